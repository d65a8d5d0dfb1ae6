/// A mailbox's name as people write it ("INBOX", "Presse Anfragen", "Entwürfe"), and the
/// forms IMAP needs: modified UTF-7 (RFC 3501 §5.1.3) and an IMAP quoted string.
struct MailboxName: Hashable, CustomStringConvertible {
  /// The name as people write it.
  let name: String

  init(_ name: String) {
    self.name = name
  }

  var description: String { name }

  /// The name in modified UTF-7: printable ASCII stands for itself ("&" as "&-"), anything
  /// else is "&", UTF-16 in base64 with "," for "/", "-".
  var modifiedUTF7: String {
    var result = ""
    var pending: [UInt16] = []
    func flush() {
      guard !pending.isEmpty else { return }
      var bytes: [UInt8] = []
      for unit in pending { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
      result += "&" + Self.base64(bytes) + "-"
      pending.removeAll()
    }
    for scalar in name.unicodeScalars {
      if scalar.value >= 0x20 && scalar.value <= 0x7E {
        flush()
        result += scalar == "&" ? "&-" : String(scalar)
      } else {
        pending += Array(String(scalar).utf16)
      }
    }
    flush()
    return result
  }

  /// The name as an IMAP quoted string, for commands: `"Presse Anfragen"`.
  var quoted: String {
    var result = "\""
    for character in modifiedUTF7 {
      if character == "\\" || character == "\"" { result += "\\" }
      result.append(character)
    }
    return result + "\""
  }

  /// Base64 with "," in place of "/" and no padding (modified base64).
  private static func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,")
    var result = ""
    var index = 0
    while index < bytes.count {
      let chunk = bytes[index..<min(index + 3, bytes.count)]
      let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
      let characters = chunk.count + 1
      for position in 0..<characters {
        result.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)])
      }
      index += 3
    }
    return result
  }
}
