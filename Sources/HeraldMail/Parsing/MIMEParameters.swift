/// The `; name=value` parameters of Content-Type and Content-Disposition (RFC 2045 §5.1),
/// read leniently, with RFC 2231 continuations (`name*0=`, `name*1=`) and charset-encoded
/// values (`name*=utf-8''%E2%82%AC`) decoded.
///
/// What mail readers accept, this accepts too: a missing ";" between parameters, an
/// unquoted value with spaces ("name=My File.pdf"), a quoted string that never closes, a
/// comment after a value. Names are lowercased; the first of two same-named parameters wins,
/// except that an RFC 2231 value wins over a plain one.
enum MIMEParameters {
  /// Reads the parameters in `bytes` from `start`, which is at or before the first ";".
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> [String: String] {
    var parameters: [String: String] = [:]
    // RFC 2231 sections: name → (section number, whether %-encoded, raw value).
    var sections: [String: [(number: Int, isEncoded: Bool, value: [UInt8])]] = [:]
    let count = bytes.count
    // Where the next ";" and "=" are: found once, not once per parameter, so that a value
    // full of parameters without ";" is still read in linear time.
    var nextSemicolon = -1
    var nextEquals = -1
    func next(_ byte: UInt8, from start: Int, cache: inout Int) -> Int {
      if cache >= start { return cache }
      var index = start
      while index < count, bytes[index] != byte { index += 1 }
      cache = index
      return index
    }
    var index = start
    while index < count {
      // Skip separators, whitespace and comments to the next name.
      let byte = bytes[index]
      if byte == UInt8(ascii: ";") || isWhitespace(byte) {
        index += 1
        continue
      }
      if byte == UInt8(ascii: "(") {
        index = skipComment(bytes, from: index)
        continue
      }
      // The name, up to "=" (a name without "=" is skipped up to the next ";").
      let nameStart = index
      while index < count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";") { index += 1 }
      guard index < count, bytes[index] == UInt8(ascii: "=") else { continue }
      var nameEnd = index
      while nameEnd > nameStart, isWhitespace(bytes[nameEnd - 1]) { nameEnd -= 1 }
      let name = lowercasedASCII(UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd]))
      index += 1
      while index < count, isWhitespace(bytes[index]) { index += 1 }
      // The value: a quoted string, or text up to ";".
      var value: [UInt8] = []
      if index < count, bytes[index] == UInt8(ascii: "\"") {
        index += 1
        while index < count, bytes[index] != UInt8(ascii: "\"") {
          if bytes[index] == UInt8(ascii: "\\"), index + 1 < count { index += 1 }
          value.append(bytes[index])
          index += 1
        }
        index += 1  // the closing quote; what follows up to ";" is skipped as a nameless parameter
      } else {
        let valueStart = index
        while index < count, bytes[index] != UInt8(ascii: ";"), !isWhitespace(bytes[index]) { index += 1 }
        var valueEnd = index
        // After a space: the next parameter if an "=" follows before ";" (a ";" was left
        // out), else more of this value ("name=My File.pdf"), up to a comment.
        if index < count, isWhitespace(bytes[index]) {
          let scan = next(UInt8(ascii: ";"), from: index, cache: &nextSemicolon)
          let hasEquals = next(UInt8(ascii: "="), from: index, cache: &nextEquals) < scan
          if !hasEquals {
            var end = scan
            if let comment = (index..<scan).first(where: {
              bytes[$0] == UInt8(ascii: "(") && isWhitespace(bytes[$0 - 1])
            }) {
              end = comment
            }
            while end > valueStart, isWhitespace(bytes[end - 1]) { end -= 1 }
            valueEnd = max(valueEnd, end)
            index = scan
          }
        }
        value = Array(bytes[valueStart..<valueEnd])
      }
      guard !name.isEmpty else { continue }
      // RFC 2231: "name*" (encoded), "name*N" (section N), "name*N*" (both).
      if let star = name.firstIndex(of: "*") {
        let base = String(name[..<star])
        var rest = name[name.index(after: star)...]  // "" for "name*", "0" or "0*" for sections
        let isEncoded = rest.isEmpty || rest.hasSuffix("*")
        if rest.hasSuffix("*") { rest = rest.dropLast() }
        let number = rest.isEmpty ? 0 : Int(rest)
        guard let number, number >= 0, !base.isEmpty else { continue }
        if sections[base, default: []].contains(where: { $0.number == number }) { continue }
        sections[base, default: []].append((number, isEncoded, value))
      } else if parameters[name] == nil {
        parameters[name] = value.withUnsafeBufferPointer { Charset.decodeUTF8OrWindows1252($0) }
      }
    }
    for (name, parts) in sections {
      parameters[name] = joinSections(parts.sorted { $0.number < $1.number })
    }
    return parameters
  }

  /// The value of RFC 2231 sections in order: the first encoded section may start with
  /// `charset'language'`, which applies to every encoded section.
  private static func joinSections(_ sections: [(number: Int, isEncoded: Bool, value: [UInt8])]) -> String {
    var charset: String?
    var bytes: [UInt8] = []
    for (position, section) in sections.enumerated() {
      var value = section.value[...]
      if section.isEncoded {
        if position == 0, let first = value.firstIndex(of: UInt8(ascii: "'")),
          let second = value[(first + 1)...].firstIndex(of: UInt8(ascii: "'"))
        {
          let name = String(decoding: value[..<first], as: UTF8.self)
          charset = name.isEmpty ? nil : name
          value = value[(second + 1)...]
        }
        percentDecode(value, into: &bytes)
      } else {
        bytes.append(contentsOf: value)
      }
    }
    return bytes.withUnsafeBufferPointer { Charset.decodeLeniently($0, charset: charset) }
  }

  private static func percentDecode(_ value: ArraySlice<UInt8>, into output: inout [UInt8]) {
    var index = value.startIndex
    while index < value.endIndex {
      if value[index] == UInt8(ascii: "%"), index + 2 < value.endIndex,
        let high = QuotedPrintable.hexValue(value[index + 1]), let low = QuotedPrintable.hexValue(value[index + 2])
      {
        output.append(high << 4 | low)
        index += 3
      } else {
        output.append(value[index])
        index += 1
      }
    }
  }

  /// The offset just after the comment starting at `start` ("("), nested comments and
  /// quoted pairs included; the end when it never closes.
  static func skipComment(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var depth = 0
    var index = start
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "\\"): index += 1
      case UInt8(ascii: "("): depth += 1
      case UInt8(ascii: ")"):
        depth -= 1
        if depth == 0 { return index + 1 }
      default: break
      }
      index += 1
    }
    return bytes.count
  }

  @inline(__always)
  static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == .space || byte == .tab || byte == .cr || byte == .lf
  }

  /// Bytes as a String with ASCII letters lowercased.
  static func lowercasedASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    String(unsafeUninitializedCapacity: bytes.count) { output in
      for (index, byte) in bytes.enumerated() {
        output[index] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
      }
      return bytes.count
    }
  }
}
