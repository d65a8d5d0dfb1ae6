import Foundation

/// Character sets of received mail decoded to Strings.
///
/// UTF-8, US-ASCII, the 8-bit sets most mail uses (ISO-8859-1/2/15, Windows-1250/1251/1252,
/// KOI8-R), UTF-16, UTF-32 and EUC-JP are decoded here; the other multi-byte sets (ISO-2022-JP,
/// Shift_JIS, GB2312/GBK/GB18030, Big5, EUC-KR) and the rarer 8-bit ones go through
/// Foundation, which decodes them with ICU. Names are compared without case, and "_" is the
/// same as "-" ("shift_jis", "Shift-JIS"). ISO-8859-1 is read as Windows-1252, whose letters
/// fill the controls Latin-1 has at 0x80–0x9F (as the WHATWG encoding standard does), and
/// each legacy East Asian set as its usual superset (GB2312 as GB18030, EUC-KR as
/// Windows-949, Shift_JIS as Windows-31J, Big5 as Big5-HKSCS).
public enum Charset {
  /// Decodes `bytes` from the character set named `charset`.
  ///
  /// Returns nil when the charset is unknown or the bytes are invalid in it (callers then
  /// try UTF-8, then windows-1252). A byte order mark at the start of UTF-8, UTF-16 and UTF-32
  /// text is removed.
  public static func decode(_ bytes: some Collection<UInt8>, charset: String) -> String? {
    guard let decoding = decoding(named: charset) else { return nil }
    if let result = bytes.withContiguousStorageIfAvailable({ decode($0, decoding) }) { return result }
    return Array(bytes).withUnsafeBufferPointer { decode($0, decoding) }
  }

  /// Decodes text whatever happens: in `charset` when it is known and the bytes are valid in
  /// it, else as UTF-8 when they are valid UTF-8, else as Windows-1252 (which has a character
  /// for every byte).
  static func decodeLeniently(_ bytes: UnsafeBufferPointer<UInt8>, charset: String?) -> String {
    if let charset, let decoding = decoding(named: charset), let text = decode(bytes, decoding) { return text }
    return decodeUTF8OrWindows1252(bytes)
  }

  /// UTF-8 when the bytes are valid UTF-8, else Windows-1252.
  static func decodeUTF8OrWindows1252(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    decodeUTF8(bytes) ?? SingleByteCharset.windows1252.decode(bytes)
  }

  /// Whether `charset` names a character set that `decode` knows.
  static func isKnown(_ charset: String) -> Bool {
    decoding(named: charset) != nil
  }

  // MARK: - Names

  /// How a character set is decoded.
  enum Decoding: Sendable, Equatable {
    case utf8
    case ascii
    case singleByte(SingleByteCharset)
    /// UTF-16; nil byte order: from the byte order mark, else guessed.
    case utf16(bigEndian: Bool?)
    case utf32(bigEndian: Bool?)
    case japaneseEUC
    /// Foundation's `String.Encoding` with this raw value (an `NSStringEncoding`; for the
    /// CoreFoundation-only sets, `0x8000_0000 | CFStringEncoding`, the stable CF constants).
    case foundation(UInt)

    /// Whether ASCII bytes mean ASCII characters in this set, so that all-ASCII text can be
    /// decoded without looking further. Not so in UTF-16/32, nor in the 7-bit sets whose
    /// escapes are ASCII bytes (ISO-2022-*, UTF-7, HZ).
    var isASCIICompatible: Bool {
      switch self {
      case .utf8, .ascii, .singleByte, .japaneseEUC: true
      case .utf16, .utf32: false
      case .foundation(let raw): !Charset.sevenBitEncodings.contains(raw)
      }
    }
  }

  // Foundation encodings, by their raw values (see `Decoding.foundation`).
  static let shiftJIS: UInt = 8  // NSShiftJISStringEncoding: CoreFoundation's Windows-31J
  static let iso2022JP2: UInt = 0x8000_0821  // accepts ISO-2022-JP, JIS X 0212 and half-width katakana
  static let gb18030: UInt = 0x8000_0632
  static let big5HKSCS: UInt = 0x8000_0A06
  static let windows949: UInt = 0x8000_0422
  static let utf7: UInt = 0x8400_0100
  static let iso2022KR: UInt = 0x8000_0840
  static let hzGB2312: UInt = 0x8000_0A05
  static let sevenBitEncodings: Set<UInt> = [iso2022JP2, utf7, iso2022KR, hzGB2312]

  /// Charset names (lowercased, "_" written "-") and how each is decoded.
  static let names: [String: Decoding] = {
    var names: [String: Decoding] = [:]
    func add(_ decoding: Decoding, _ aliases: String...) {
      for alias in aliases { names[alias] = decoding }
    }
    add(.utf8, "utf-8", "utf8", "unicode-1-1-utf-8", "unicode-2-0-utf-8", "x-unicode20utf8")
    add(
      .ascii, "us-ascii", "ascii", "us", "ansi-x3.4-1968", "ansi-x3.4-1986", "iso646-us", "iso-ir-6", "cp367", "ibm367",
      "csascii", "646")
    add(
      .singleByte(.windows1252), "iso-8859-1", "iso8859-1", "iso88591", "iso-8859-1:1987", "latin1", "latin-1", "l1",
      "cp819", "ibm819", "iso-ir-100", "csisolatin1", "windows-1252", "cp1252", "win-1252", "ms-ansi")
    add(
      .singleByte(.iso8859_2), "iso-8859-2", "iso8859-2", "iso88592", "iso-8859-2:1987", "latin2", "latin-2", "l2",
      "iso-ir-101", "csisolatin2")
    add(
      .singleByte(.iso8859_15), "iso-8859-15", "iso8859-15", "iso885915", "latin9", "latin-9", "l9", "latin0",
      "csisolatin9", "iso-8859-15:1998")
    add(.singleByte(.windows1250), "windows-1250", "cp1250", "win-1250")
    add(.singleByte(.windows1251), "windows-1251", "cp1251", "win-1251")
    add(.singleByte(.koi8r), "koi8-r", "koi8r", "koi8", "cskoi8r")
    add(.utf16(bigEndian: nil), "utf-16", "utf16", "ucs-2", "iso-10646-ucs-2", "csunicode")
    add(.utf16(bigEndian: true), "utf-16be", "unicodefffe")
    add(.utf16(bigEndian: false), "utf-16le", "unicodefeff")
    add(.utf32(bigEndian: nil), "utf-32", "utf32", "ucs-4", "iso-10646-ucs-4")
    add(.utf32(bigEndian: true), "utf-32be")
    add(.utf32(bigEndian: false), "utf-32le")
    add(.japaneseEUC, "euc-jp", "eucjp", "ujis", "cseucpkdfmtjapanese")
    add(
      .foundation(iso2022JP2), "iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "csiso2022jp2",
      "iso-2022-jp-3", "jis")
    add(
      .foundation(shiftJIS), "shift-jis", "shiftjis", "sjis", "ms-kanji", "csshiftjis", "windows-31j", "cp932", "ms932",
      "ms-cp932", "cswindows31j")
    add(
      .foundation(gb18030), "gb2312", "gb-2312-80", "gb-2312", "csgb2312", "euc-cn", "euccn", "chinese", "iso-ir-58",
      "gbk", "cp936", "ms936", "windows-936", "gb18030")
    add(.foundation(big5HKSCS), "big5", "big-5", "cn-big5", "csbig5", "big5-hkscs", "cp950", "windows-950")
    add(
      .foundation(windows949), "euc-kr", "euckr", "cseuckr", "ks-c-5601-1987", "ks-c-5601-1989", "ks-c-5601", "ksc5601",
      "ksc-5601", "korean", "iso-ir-149", "csksc56011987", "cp949", "windows-949", "uhc")
    add(.foundation(iso2022KR), "iso-2022-kr", "csiso2022kr")
    add(.foundation(hzGB2312), "hz-gb-2312", "hz")
    add(.foundation(utf7), "utf-7", "utf7", "unicode-1-1-utf-7", "csunicode11utf7")
    // The rarer 8-bit sets: ISO 8859 parts, Windows code pages, KOI8-U, DOS Cyrillic.
    for (part, raw) in [
      (3, 0x8000_0203), (4, 0x8000_0204), (5, 0x8000_0205), (6, 0x8000_0206), (7, 0x8000_0207), (8, 0x8000_0208),
      (9, 0x8000_0209), (10, 0x8000_020A), (11, 0x8000_020B), (13, 0x8000_020D), (14, 0x8000_020E), (16, 0x8000_0210),
    ] as [(Int, UInt)] {
      add(.foundation(raw), "iso-8859-\(part)", "iso8859-\(part)", "iso8859\(part)")
    }
    add(.foundation(0x8000_0208), "iso-8859-8-i", "iso-8859-8-e", "visual", "logical")
    add(.foundation(0x8000_0205), "cyrillic", "csisolatincyrillic")
    add(.foundation(0x8000_0207), "greek", "csisolatingreek")
    add(.foundation(0x8000_0209), "latin5", "l5")
    for (page, raw) in [
      (1253, 13), (1254, 14), (1255, 0x8000_0505), (1256, 0x8000_0506), (1257, 0x8000_0507), (1258, 0x8000_0508),
    ] as [(Int, UInt)] {
      add(.foundation(raw), "windows-\(page)", "cp\(page)", "win-\(page)")
    }
    add(.foundation(0x8000_041D), "windows-874", "cp874", "tis-620", "tis620", "iso-8859-11")
    add(.foundation(0x8000_0A08), "koi8-u", "koi8u")
    add(.foundation(0x8000_041B), "ibm866", "cp866", "866", "csibm866")
    return names
  }()

  /// How the character set called `name` is decoded, nil when it is unknown.
  static func decoding(named name: String) -> Decoding? {
    if let decoding = names[name] { return decoding }  // already in normal form: the usual case
    var key = ""
    key.reserveCapacity(name.utf8.count)
    for scalar in name.unicodeScalars {
      switch scalar {
      case "A"..."Z": key.unicodeScalars.append(Unicode.Scalar(scalar.value + 0x20)!)
      case "_": key.append("-")
      case " ", "\t", "\"", "'": continue
      default: key.unicodeScalars.append(scalar)
      }
    }
    if let decoding = names[key] { return decoding }
    if key.hasPrefix("x-"), let decoding = names[String(key.dropFirst(2))] { return decoding }
    return nil
  }

  // MARK: - Decoders

  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ decoding: Decoding) -> String? {
    if decoding.isASCIICompatible, isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
    switch decoding {
    case .utf8: return decodeUTF8(bytes)
    case .ascii: return nil  // not all ASCII, or it would have returned above
    case .singleByte(let set): return set.decode(bytes)
    case .utf16(let bigEndian): return decodeUTF16(bytes, bigEndian: bigEndian)
    case .utf32(let bigEndian): return decodeUTF32(bytes, bigEndian: bigEndian)
    case .japaneseEUC: return decodeJapaneseEUC(bytes)
    case .foundation(let raw): return decodeWithFoundation(bytes, raw)
    }
  }

  /// Whether every byte is below 0x80.
  static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let count = bytes.count
    var index = 0
    // Eight bytes at a time.
    while index &+ 8 <= count {
      if UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
      index &+= 8
    }
    while index < count {
      if base[index] >= 0x80 { return false }
      index &+= 1
    }
    return true
  }

  /// UTF-8 without a leading byte order mark; nil when not valid UTF-8.
  static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    var bytes = bytes
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
      bytes = UnsafeBufferPointer(rebasing: bytes[3...])
    }
    // Most text is ASCII: no validation beyond the check, and no generic code.
    if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
    return String(validating: bytes, as: UTF8.self)
  }

  static func decodeWithFoundation(_ bytes: UnsafeBufferPointer<UInt8>, _ raw: UInt) -> String? {
    guard bytes.count > 0 else { return "" }
    return String(data: Data(buffer: bytes), encoding: String.Encoding(rawValue: raw))
  }
}
