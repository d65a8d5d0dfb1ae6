// Bounce reports are stored and printed as JSON; a status code reads best as "5.1.1".
extension EnhancedStatusCode: Codable {
  /// Reads a code written as a string, such as "5.1.1".
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let code = EnhancedStatusCode(text) else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "“\(text)” is not an enhanced status code; write it as class.subject.detail, like 5.1.1")
    }
    self = code
  }

  /// Writes the code as a string, such as "5.1.1".
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
