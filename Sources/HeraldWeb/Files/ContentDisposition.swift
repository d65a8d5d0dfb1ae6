/// The `Content-Disposition` of a download (RFC 6266): shown in the browser (`inline`) or
/// saved (`attachment`), under its name. A name that is not plain ASCII is given twice: an
/// ASCII stand-in in `filename` for old clients, and exactly in `filename*` (RFC 8187,
/// UTF-8, percent-encoded), which current browsers use.
enum ContentDisposition {
  /// `inline; filename="photo.jpg"`, or `attachment; filename="_.pdf"; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf`.
  static func value(attachment: Bool, filename: String) -> String {
    let type = attachment ? "attachment" : "inline"
    var fallback = ""
    var plain = true
    for scalar in filename.unicodeScalars {
      if scalar.isASCII, scalar.value >= 0x20, scalar.value < 0x7F, scalar != "\"", scalar != "\\" {
        fallback.unicodeScalars.append(scalar)
      } else {
        fallback.append("_")
        plain = false
      }
    }
    if plain { return "\(type); filename=\"\(fallback)\"" }
    return "\(type); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded(filename))"
  }

  /// RFC 8187's value-chars: attr-char as it is, every other byte of the UTF-8 as %XX.
  static func encoded(_ text: String) -> String {
    let hex = Array("0123456789ABCDEF".unicodeScalars)
    var result = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        result.unicodeScalars.append(UnicodeScalar(byte))
      case _ where "!#$&+-.^_`|~".utf8.contains(byte):
        result.unicodeScalars.append(UnicodeScalar(byte))
      default:
        result.unicodeScalars.append("%")
        result.unicodeScalars.append(hex[Int(byte >> 4)])
        result.unicodeScalars.append(hex[Int(byte & 0x0F)])
      }
    }
    return result
  }
}
