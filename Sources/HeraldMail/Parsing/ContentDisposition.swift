/// A Content-Disposition (RFC 2183): "inline" or "attachment" and its parameters
/// ("filename"), read like a Content-Type's.
struct ContentDisposition: Sendable, Hashable {
  /// The disposition type, lowercased; "" when the field is malformed.
  var type: String
  /// The parameters by lowercased name.
  var parameters: [String: String]

  init(parsing value: String) {
    var value = value
    (type, parameters) = value.withUTF8 { bytes in
      var index = 0
      let type = ContentType.token(bytes, at: &index) ?? ""
      return (type, MIMEParameters.parse(bytes, from: index))
    }
  }
}
