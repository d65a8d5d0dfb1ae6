/// A header field as received: its name, its value unfolded, and the value with RFC 2047
/// encoded-words decoded.
public struct ReceivedField: Sendable, Hashable {
  /// The field name as written, "Subject".
  public var name: String
  /// The value unfolded (line breaks removed, the whitespace after them kept), trimmed, not
  /// decoded: what structured fields (addresses, Content-Type) are parsed from. Bytes that
  /// are not UTF-8 are read as Windows-1252.
  public var raw: String
  /// The value with its encoded-words decoded: what a person reads.
  public var value: String

  /// Makes a field from its name and raw value, decoding the value's encoded-words.
  init(name: String, raw: String) {
    self.name = name
    self.raw = raw
    self.value = EncodedWord.decode(raw)
  }
}
