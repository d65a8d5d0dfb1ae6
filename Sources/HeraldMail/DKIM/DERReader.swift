/// Just enough DER (X.690) to read the outer layers of a PKCS#8 PrivateKeyInfo.
struct DERReader {
  private let bytes: [UInt8]
  private var index: Int
  private let end: Int

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    self.index = 0
    self.end = bytes.count
  }

  private init(_ bytes: [UInt8], range: Range<Int>) {
    self.bytes = bytes
    self.index = range.lowerBound
    self.end = range.upperBound
  }

  /// Whether every byte has been read.
  var isAtEnd: Bool { index == end }

  /// Reads one element with `tag` and returns a reader over its contents; nil (and nothing
  /// read) when the next element has another tag or is malformed.
  mutating func read(tag: UInt8) -> DERReader? {
    guard let range = contents(tag: tag) else { return nil }
    index = range.upperBound
    return DERReader(bytes, range: range)
  }

  /// Reads one element with `tag` and returns its content bytes.
  mutating func readBytes(tag: UInt8) -> [UInt8]? {
    guard let range = contents(tag: tag) else { return nil }
    index = range.upperBound
    return Array(bytes[range])
  }

  private func contents(tag: UInt8) -> Range<Int>? {
    guard index + 2 <= end, bytes[index] == tag else { return nil }
    var position = index + 1
    var length = Int(bytes[position])
    position += 1
    if length & 0x80 != 0 {
      let count = length & 0x7F
      guard (1...3).contains(count), position + count <= end else { return nil }
      length = 0
      for _ in 0..<count {
        length = length << 8 | Int(bytes[position])
        position += 1
      }
    }
    guard length <= end - position else { return nil }
    return position..<(position + length)
  }

  static let sequence: UInt8 = 0x30
  static let integer: UInt8 = 0x02
  static let octetString: UInt8 = 0x04
  static let objectIdentifier: UInt8 = 0x06
}
