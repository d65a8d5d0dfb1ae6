import Foundation
import HeraldMail
import Testing

struct CharsetTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var charset: String
    var bytes: [UInt8]
    var text: String
    var testDescription: String { charset }
  }

  /// Known text in each charset Herald must read (the bytes as Python's codecs write them).
  static let cases: [Case] = [
    Case(charset: "utf-8", bytes: [0x47, 0x72, 0xC3, 0xBC, 0xC3, 0x9F, 0x65, 0x20, 0xE2, 0x82, 0xAC], text: "Grüße €"),
    Case(charset: "us-ascii", bytes: Array("Hello, world".utf8), text: "Hello, world"),
    Case(charset: "iso-8859-1", bytes: [0x47, 0x72, 0xFC, 0xDF, 0x65], text: "Grüße"),
    Case(charset: "iso-8859-2", bytes: [0xA3, 0xF3, 0x64, 0xBC], text: "Łódź"),
    Case(charset: "iso-8859-15", bytes: [0xA4, 0x20, 0xBC, 0x75, 0x76, 0x72, 0x65], text: "€ Œuvre"),
    Case(charset: "windows-1250", bytes: [0x50, 0xF8, 0xED, 0x6C, 0x69, 0x9A], text: "Příliš"),
    Case(charset: "windows-1251", bytes: [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], text: "Привет"),
    Case(charset: "windows-1252", bytes: [0x93, 0x43, 0x61, 0x66, 0xE9, 0x94], text: "“Café”"),
    Case(charset: "koi8-r", bytes: [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], text: "Привет"),
    Case(
      charset: "iso-2022-jp", bytes: [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42, 0x21],
      text: "日本語!"),
    Case(charset: "shift_jis", bytes: [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA, 0xB1], text: "日本語ｱ"),
    Case(
      charset: "euc-jp", bytes: [0x41, 0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC, 0x8E, 0xB1, 0x8F, 0xB0, 0xA1, 0x42],
      text: "A日本語ｱ丂B"),
    Case(charset: "gb2312", bytes: [0xD6, 0xD0, 0xCE, 0xC4], text: "中文"),
    Case(charset: "gbk", bytes: [0xD6, 0xD0, 0x81, 0x40], text: "中丂"),
    Case(charset: "gb18030", bytes: [0xD6, 0xD0, 0x81, 0x30, 0x81, 0x30], text: "中\u{80}"),
    Case(charset: "big5", bytes: [0xA4, 0xA4, 0xA4, 0xE5], text: "中文"),
    Case(charset: "euc-kr", bytes: [0xC7, 0xD1, 0xB1, 0xB9], text: "한국"),
    Case(charset: "utf-16", bytes: [0xFF, 0xFE, 0x41, 0x00, 0xE9, 0x00, 0x3D, 0xD8, 0x00, 0xDE], text: "Aé😀"),
    Case(charset: "utf-16", bytes: [0xFE, 0xFF, 0x00, 0x41, 0x00, 0xE9], text: "Aé"),
    Case(charset: "utf-16le", bytes: [0x41, 0x00, 0xE9, 0x00], text: "Aé"),
    Case(charset: "utf-16be", bytes: [0x00, 0x41, 0x00, 0xE9], text: "Aé"),
    Case(charset: "utf-32", bytes: [0xFF, 0xFE, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00], text: "A"),
  ]

  @Test(arguments: cases)
  func decodesKnownText(_ sample: Case) {
    #expect(Charset.decode(sample.bytes, charset: sample.charset) == sample.text)
  }

  @Test(arguments: [
    ("latin1", [0xE9] as [UInt8], "é"),
    ("ISO_8859-1", [0xE9], "é"),
    ("l1", [0xE9], "é"),
    ("cp1251", [0xC0], "А"),
    ("x-cp1251", [0xC0], "А"),
    ("CP1252", [0x80], "€"),
    ("utf8", [0xC3, 0xA9], "é"),
    ("UTF-8", [0xC3, 0xA9], "é"),
    (" \"utf-8\" ", [0xC3, 0xA9], "é"),
    ("ascii", [0x41], "A"),
    ("latin2", [0xA3], "Ł"),
    ("latin9", [0xA4], "€"),
    ("koi8", [0xC1], "а"),
    ("Shift-JIS", [0x82, 0xA0], "あ"),
    ("x-sjis", [0x82, 0xA0], "あ"),
    ("windows-31j", [0x87, 0x40], "①"),
    ("cp932", [0x82, 0xA0], "あ"),
    ("x-euc-jp", [0xA4, 0xA2], "あ"),
    ("ks_c_5601-1987", [0xB0, 0xA1], "가"),
    ("cp949", [0x81, 0x41], "갂"),
    ("x-gbk", [0x81, 0x40], "丂"),
    ("cp936", [0xD6, 0xD0], "中"),
    ("big5-hkscs", [0xA4, 0xA4], "中"),
    ("csISO2022JP", [0x1B, 0x24, 0x42, 0x24, 0x22, 0x1B, 0x28, 0x42], "あ"),
    ("iso-2022-jp-2", [0x1B, 0x24, 0x28, 0x44, 0x30, 0x21, 0x1B, 0x28, 0x42], "丂"),
  ] as [(String, [UInt8], String)])
  func readsAliasesWithoutCase(_ name: String, _ bytes: [UInt8], _ text: String) {
    #expect(Charset.decode(bytes, charset: name) == text)
  }

  /// The rarer sets Foundation decodes for Herald.
  @Test(arguments: [
    ("iso-8859-5", [0xBF, 0xE0, 0xD8] as [UInt8], "При"),
    ("iso-8859-7", [0xE1, 0xE2], "αβ"),
    ("iso-8859-9", [0xFD], "ı"),
    ("windows-1253", [0xE1], "α"),
    ("windows-1254", [0xFD], "ı"),
    ("windows-1255", [0xF9], "ש"),
    ("windows-1256", [0xC7], "ا"),
    ("windows-1257", [0xE0], "ą"),
    ("windows-874", [0xA1], "ก"),
    ("koi8-u", [0xA4], "є"),
    ("ibm866", [0x8F], "П"),
    ("utf-7", Array("Hi +Jjo-".utf8), "Hi ☺"),
  ] as [(String, [UInt8], String)])
  func decodesRarerSetsThroughFoundation(_ name: String, _ bytes: [UInt8], _ text: String) {
    #expect(Charset.decode(bytes, charset: name) == text)
  }

  @Test func unknownCharsetIsNil() {
    #expect(Charset.decode(Array("plain".utf8), charset: "x-no-such-charset") == nil)
    #expect(Charset.decode(Array("plain".utf8), charset: "") == nil)
    #expect(Charset.decode(Array("plain".utf8), charset: "unknown-8bit") == nil)
  }

  @Test(arguments: [
    ("utf-8", [0x41, 0xFF] as [UInt8]),
    ("utf-8", [0xE2, 0x82]),  // cut off
    ("us-ascii", [0x41, 0xE9]),
    ("shift_jis", [0x82, 0xFF]),
    ("euc-jp", [0xC6]),
    ("euc-jp", [0x8E, 0x41]),
    ("iso-2022-jp", [0x41, 0xE9]),
    ("big5", [0xA4]),
    ("utf-16", [0xFF, 0xFE, 0x41]),  // odd length
    ("utf-16le", [0x3D, 0xD8, 0x41, 0x00]),  // unpaired surrogate
    ("utf-32", [0x00, 0x11, 0x00, 0x00]),  // above U+10FFFF
  ] as [(String, [UInt8])])
  func invalidBytesAreNil(_ name: String, _ bytes: [UInt8]) {
    #expect(Charset.decode(bytes, charset: name) == nil)
  }

  @Test func byteOrderMarksAreRemoved() {
    #expect(Charset.decode([0xEF, 0xBB, 0xBF, 0x41], charset: "utf-8") == "A")
    #expect(Charset.decode([0xFE, 0xFF, 0x00, 0x41], charset: "utf-16be") == "A")
  }

  @Test func utf16WithoutByteOrderMarkIsBigEndianUnlessPlainlyLittle() {
    #expect(Charset.decode([0x00, 0x48, 0x00, 0x69], charset: "utf-16") == "Hi")
    #expect(Charset.decode([0x48, 0x00, 0x69, 0x00], charset: "utf-16") == "Hi")
  }

  @Test func everyByteOfTheEightBitTablesDecodes() {
    for name in ["iso-8859-1", "iso-8859-2", "iso-8859-15", "windows-1250", "windows-1251", "windows-1252", "koi8-r"] {
      let text = Charset.decode(Array(0...255) as [UInt8], charset: name)
      #expect(text?.unicodeScalars.count == 256, "\(name)")
    }
  }

  /// The tables Herald carries agree with ICU (through Foundation) on every byte ICU maps;
  /// bytes a code page leaves unassigned are the C1 control of the same value.
  @Test(arguments: [
    ("iso-8859-2", String.Encoding.isoLatin2),
    ("windows-1250", .windowsCP1250),
    ("windows-1251", .windowsCP1251),
    ("windows-1252", .windowsCP1252),
    ("iso-8859-15", String.Encoding(rawValue: 0x8000_020F)),
    ("koi8-r", String.Encoding(rawValue: 0x8000_0A02)),
  ])
  func tablesAgreeWithICU(_ name: String, _ encoding: String.Encoding) {
    for byte in UInt8(0x80)...0xFF {
      let ours = Charset.decode([byte], charset: name)
      guard let icu = String(data: Data([byte]), encoding: encoding), icu.unicodeScalars.count == 1 else {
        #expect(ours?.unicodeScalars.first?.value == UInt32(byte), "\(name) 0x\(String(byte, radix: 16))")
        continue
      }
      #expect(ours == icu, "\(name) 0x\(String(byte, radix: 16))")
    }
  }

  @Test func asciiTextInAnyASCIICompatibleSetIsItself() {
    let bytes = Array("Plain text, 100% ASCII.\r\n".utf8)
    for name in ["utf-8", "iso-8859-1", "koi8-r", "shift_jis", "euc-jp", "gb2312", "big5", "euc-kr", "iso-2022-jp"] {
      #expect(Charset.decode(bytes, charset: name) == "Plain text, 100% ASCII.\r\n", "\(name)")
    }
  }

  @Test func emptyBytesAreEmptyText() {
    for name in ["utf-8", "us-ascii", "iso-8859-2", "utf-16", "shift_jis", "euc-jp", "iso-2022-jp"] {
      #expect(Charset.decode([UInt8](), charset: name) == "", "\(name)")
    }
  }

  @Test func acceptsSlicesAndOtherCollections() {
    let bytes: [UInt8] = [0x00, 0xCF, 0xF0, 0xE8, 0x00]
    #expect(Charset.decode(bytes[1..<4], charset: "windows-1251") == "При")
    #expect(Charset.decode(bytes.dropFirst().prefix(3).reversed().reversed(), charset: "windows-1251") == "При")
  }
}
