/// A number of bytes as a person reads it: "900 bytes", "312 KB", "2.1 MB". Decimal units
/// (1 KB = 1,000 bytes), as file managers and download pages show sizes; one function, so
/// that the release page, its email and the command line give a file the same size.
public enum ByteCount {
  /// `bytes` in the largest unit that keeps the number at least 1: a decimal below 100
  /// ("2.1 MB", "15.3 KB"), none above ("312 KB"), and no ".0" ("2 MB").
  public static func formatted(_ bytes: Int) -> String {
    if bytes == 1 { return "1 byte" }
    if bytes < 1_000 { return "\(max(bytes, 0)) bytes" }
    let units = ["KB", "MB", "GB", "TB"]
    var value = Double(bytes) / 1_000
    var unit = 0
    while true {
      // Rounded as shown: 999.96 KB is shown as 1 MB, not "1000 KB".
      let shown = value < 100 ? (value * 10).rounded() / 10 : value.rounded()
      if shown >= 1_000 && unit < units.count - 1 {
        value /= 1_000
        unit += 1
        continue
      }
      let text = shown == shown.rounded() ? String(Int(shown)) : String(format1: shown)
      return "\(text) \(units[unit])"
    }
  }
}

extension String {
  /// A number with one decimal, without Foundation's locale: "2.1".
  fileprivate init(format1 value: Double) {
    let tenths = Int((value * 10).rounded())
    self = "\(tenths / 10).\(tenths % 10)"
  }
}
