/// The header of a message: its fields in order, each written safely by `HeaderEncoder`.
public struct MessageHeader: Sendable {
  /// One field's value and how it must be encoded.
  public enum Value: Sendable {
    /// Unstructured text (Subject): folded, encoded-words when not ASCII.
    case text(String)
    /// Mailboxes (From, To, Reply-To): display names quoted or encoded as needed.
    case mailboxes([Mailbox])
    /// An ASCII structured value (Message-ID, Date, List-Unsubscribe), written as it is.
    case raw(String)
    /// The whole field, name included, already encoded by `encodedField`: for fields
    /// that are the same in every message of a campaign.
    case encoded([UInt8])
  }

  /// The fields in the order they are written.
  public private(set) var fields: [(name: String, value: Value)] = []

  /// Makes an empty header.
  public init() {}

  /// Appends a field. Names are ASCII letters, digits and "-" only.
  public mutating func append(_ name: String, _ value: Value) {
    precondition(name.utf8.allSatisfy { HeaderEncoder.isAtext($0) && $0 != UInt8(ascii: ":") }, "header name \(name)")
    fields.append((name, value))
  }

  /// One field encoded once, to be appended as `.encoded` to many headers.
  public static func encodedField(_ name: String, _ value: Value) -> Value {
    var header = MessageHeader()
    header.append(name, value)
    var bytes: [UInt8] = []
    header.encode(into: &bytes)
    return .encoded(bytes)
  }

  /// Writes every field, each ending with CRLF.
  public func encode(into output: inout [UInt8]) {
    for (name, value) in fields {
      switch value {
      case .text(let text): HeaderEncoder.appendText(name: name, text, to: &output)
      case .mailboxes(let mailboxes): HeaderEncoder.appendMailboxes(name: name, mailboxes, to: &output)
      case .raw(let raw): HeaderEncoder.appendRaw(name: name, raw, to: &output)
      case .encoded(let bytes): output.append(contentsOf: bytes)
      }
    }
  }
}
