/// PEM (RFC 7468) blocks: a `-----BEGIN LABEL-----` line, base64 lines, `-----END LABEL-----`.
enum PEM {
  /// One block: its label ("PRIVATE KEY") and the DER bytes it holds.
  struct Block {
    var label: String
    var der: [UInt8]
  }

  /// Why a text is not the PEM block that was wanted, as the end of a sentence.
  struct Problem: Error {
    var reason: String
  }

  /// The labels of every BEGIN line in `text`, in order.
  static func labels(in text: String) -> [String] {
    text.split(whereSeparator: \.isNewline).compactMap { line in
      let line = line.trimmingASCIIWhitespace()
      guard line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 else { return nil }
      return String(line.dropFirst(11).dropLast(5))
    }
  }

  /// The first block labelled `label`, decoded.
  static func block(_ label: String, in text: String) throws(Problem) -> Block {
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingASCIIWhitespace() }
    guard let begin = lines.firstIndex(of: "-----BEGIN \(label)-----") else {
      throw Problem(reason: "it has no -----BEGIN \(label)----- line")
    }
    guard let end = lines[begin...].firstIndex(of: "-----END \(label)-----") else {
      throw Problem(reason: "it has no -----END \(label)----- line after its BEGIN line; the file may be cut short")
    }
    let body = lines[(begin + 1)..<end]
    // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: …") mark a passphrase-protected key.
    if body.contains(where: { $0.contains(":") }) {
      throw Problem(reason: "it is encrypted with a passphrase")
    }
    guard let der = decodeBase64(body.joined()), !der.isEmpty else {
      throw Problem(reason: "the text between its BEGIN and END lines is not valid base64; the file is damaged")
    }
    return Block(label: label, der: der)
  }

  /// A block as text: 64 base64 characters a line, LF line ends, as OpenSSL writes it.
  static func encode(label: String, der: [UInt8]) -> String {
    let base64 = Base64.encode(der)
    var text = "-----BEGIN \(label)-----\n"
    var start = 0
    while start < base64.count {
      let end = min(start + 64, base64.count)
      text += String(decoding: base64[start..<end], as: UTF8.self) + "\n"
      start = end
    }
    return text + "-----END \(label)-----\n"
  }

  /// Standard base64 with padding, through `Base64.decodeURLSafe`: the two alphabets differ
  /// only in "+/" and "-_".
  static func decodeBase64(_ text: String) -> [UInt8]? {
    var characters = Array(text.utf8)
    var padding = 0
    while characters.last == UInt8(ascii: "=") && padding < 2 {
      characters.removeLast()
      padding += 1
    }
    guard (characters.count + padding) % 4 == 0 else { return nil }
    for index in characters.indices {
      switch characters[index] {
      case UInt8(ascii: "+"): characters[index] = UInt8(ascii: "-")
      case UInt8(ascii: "/"): characters[index] = UInt8(ascii: "_")
      case UInt8(ascii: "-"), UInt8(ascii: "_"): return nil
      default: break
      }
    }
    return Base64.decodeURLSafe(String(decoding: characters, as: UTF8.self))
  }
}

extension Substring {
  fileprivate func trimmingASCIIWhitespace() -> String {
    var text = self
    while let first = text.first, first == " " || first == "\t" || first == "\r" { text.removeFirst() }
    while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
    return String(text)
  }
}
