/// The header of a received message or MIME part, fields in order; names compared without case.
public struct ReceivedHeader: Sendable {
  /// The fields in the order received.
  public var fields: [ReceivedField]

  init(fields: [ReceivedField] = []) {
    self.fields = fields
  }

  /// The first field's decoded value, nil when there is no field `name`.
  public subscript(_ name: String) -> String? {
    fields.first { Self.namesMatch($0.name, name) }?.value
  }

  /// Every field named `name`, decoded, in order.
  public func all(_ name: String) -> [String] {
    fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
  }

  /// The first field's unfolded, undecoded value, nil when there is no field `name`.
  public func raw(_ name: String) -> String? {
    fields.first { Self.namesMatch($0.name, name) }?.raw
  }

  /// Whether two field names are the same, ASCII letters compared without case.
  static func namesMatch(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count == b.utf8.count else { return false }
    if a == b { return true }
    var a = a
    var b = b
    return a.withUTF8 { a in
      b.withUTF8 { b in
        for index in 0..<a.count where a[index] != b[index] {
          let lower = a[index] | 0x20
          guard lower == b[index] | 0x20, lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else { return false }
        }
        return true
      }
    }
  }
}
