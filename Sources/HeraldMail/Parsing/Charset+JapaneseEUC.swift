extension Charset {
  /// EUC-JP, which Foundation on Linux does not decode. EUC-JP and ISO-2022-JP are two
  /// spellings of the same character sets (ASCII, JIS X 0208, half-width katakana from
  /// JIS X 0201, JIS X 0212), so the bytes are rewritten as ISO-2022-JP-2, escape sequences
  /// and 7-bit codes, and decoded by Foundation's ISO-2022-JP converter: no table of 7,000
  /// kanji here. Nil when a byte does not belong to a valid EUC-JP sequence.
  static func decodeJapaneseEUC(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    enum Set { case ascii, jisX0208, katakana, jisX0212 }
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count + bytes.count / 2 + 8)
    var current = Set.ascii
    func shift(to set: Set) {
      guard set != current else { return }
      current = set
      switch set {
      case .ascii: output.append(contentsOf: [0x1B, 0x28, 0x42])  // ESC ( B
      case .jisX0208: output.append(contentsOf: [0x1B, 0x24, 0x42])  // ESC $ B
      case .katakana: output.append(contentsOf: [0x1B, 0x28, 0x49])  // ESC ( I
      case .jisX0212: output.append(contentsOf: [0x1B, 0x24, 0x28, 0x44])  // ESC $ ( D
      }
    }
    func isEUCByte(_ byte: UInt8) -> Bool { byte >= 0xA1 && byte <= 0xFE }
    var index = 0
    let count = bytes.count
    while index < count {
      let byte = bytes[index]
      if byte < 0x80 {
        // An escape would switch the converter's set: it has no place in EUC-JP.
        guard byte != 0x1B, byte != 0x0E, byte != 0x0F else { return nil }
        shift(to: .ascii)
        output.append(byte)
        index += 1
      } else if byte == 0x8E {
        guard index + 1 < count, bytes[index + 1] >= 0xA1, bytes[index + 1] <= 0xDF else { return nil }
        shift(to: .katakana)
        output.append(bytes[index + 1] & 0x7F)
        index += 2
      } else if byte == 0x8F {
        guard index + 2 < count, isEUCByte(bytes[index + 1]), isEUCByte(bytes[index + 2]) else { return nil }
        shift(to: .jisX0212)
        output.append(bytes[index + 1] & 0x7F)
        output.append(bytes[index + 2] & 0x7F)
        index += 3
      } else if isEUCByte(byte) {
        guard index + 1 < count, isEUCByte(bytes[index + 1]) else { return nil }
        shift(to: .jisX0208)
        output.append(byte & 0x7F)
        output.append(bytes[index + 1] & 0x7F)
        index += 2
      } else {
        return nil
      }
    }
    shift(to: .ascii)
    return output.withUnsafeBufferPointer { decodeWithFoundation($0, iso2022JP2) }
  }
}
