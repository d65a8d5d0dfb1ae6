/// The message ids of Message-ID, In-Reply-To and References, without their angle brackets.
enum MessageIDList {
  /// The ids in `value`: each `<…>`, with whitespace and comments removed from inside (some
  /// senders fold long ids); without angle brackets, each word with an "@". Other text
  /// (phrases some old clients write in In-Reply-To) is skipped.
  static func parse(_ value: String) -> [String] {
    var ids: [String] = []
    var value = value
    value.withUTF8 { bytes in
      var index = 0
      var sawBracket = false
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "(") {
          index = MIMEParameters.skipComment(bytes, from: index)
          continue
        }
        if byte == UInt8(ascii: "\"") {
          // A quoted phrase ("Your message of …"): skip it.
          index += 1
          while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\") { index += 1 }
            index += 1
          }
          index += 1
          continue
        }
        guard byte == UInt8(ascii: "<") else {
          index += 1
          continue
        }
        sawBracket = true
        var id: [UInt8] = []
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "<") {
          let byte = bytes[index]
          if !MIMEParameters.isWhitespace(byte) { id.append(byte) }
          index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ">") { index += 1 }
        if !id.isEmpty { ids.append(String(decoding: id, as: UTF8.self)) }
      }
      guard !sawBracket else { return }
      for word in bytes.split(whereSeparator: { MIMEParameters.isWhitespace($0) || $0 == UInt8(ascii: ",") })
      where word.contains(UInt8(ascii: "@")) {
        ids.append(String(decoding: word, as: UTF8.self))
      }
    }
    return ids
  }
}
