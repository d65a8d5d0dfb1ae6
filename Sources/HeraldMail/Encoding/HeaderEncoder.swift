/// Writes header fields (RFC 5322 §2.2) as bytes: folded at 78 characters where the value
/// has white space to fold at, non-ASCII text as RFC 2047 encoded-words, and every CR, LF
/// or other control character in a value turned into a space, so that no value can ever
/// start a header line of its own.
public enum HeaderEncoder {
  /// The line length folding aims for (RFC 5322 §2.1.1).
  static let preferredLineLength = 78

  /// Appends `Name: value` for unstructured text (Subject, Comments).
  public static func appendText(name: String, _ value: String, to output: inout [UInt8]) {
    let clean = sanitized(value)
    let words = splitKeepingSpaces(clean)
    // A word too long for any line is written as encoded-words, which can be split.
    if clean.utf8.allSatisfy({ $0 < 0x80 }) && !containsEncodedWordMarker(clean)
      && words.allSatisfy({ $0.utf8.count < 900 })
    {
      appendFolded(name: name, atoms: words, to: &output)
    } else {
      appendFolded(name: name, atoms: EncodedWord.encode(clean, firstWordLength: firstWordLength(after: name)), to: &output)
    }
  }

  /// Appends `Name: mailbox, mailbox` for an address header (From, To, Reply-To).
  public static func appendMailboxes(name: String, _ mailboxes: [Mailbox], to output: inout [UInt8]) {
    var atoms: [String] = []
    for (index, mailbox) in mailboxes.enumerated() {
      let separator = index < mailboxes.count - 1 ? "," : ""
      if let displayName = mailbox.name.map(sanitized), !displayName.isEmpty {
        let room = index == 0 ? firstWordLength(after: name) : EncodedWord.maximumLength
        atoms.append(contentsOf: phraseAtoms(displayName, firstWordLength: room))
        atoms.append("<\(sanitized(mailbox.address))>\(separator)")
      } else {
        atoms.append("\(sanitized(mailbox.address))\(separator)")
      }
    }
    appendFolded(name: name, atoms: atoms, to: &output)
  }

  /// Appends a structured value that is already ASCII (Message-ID, Content-Type, URLs),
  /// folding at its spaces when it is long.
  public static func appendRaw(name: String, _ value: String, to output: inout [UInt8]) {
    // Most structured values (Date, Message-ID) fit on one line: write them as they are.
    if name.utf8.count + 2 + value.utf8.count <= preferredLineLength,
      value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
    {
      output.append(contentsOf: name.utf8)
      output.append(contentsOf: [UInt8(ascii: ":"), .space])
      output.append(contentsOf: value.utf8)
      output.append(contentsOf: [.cr, .lf])
      return
    }
    appendFolded(name: name, atoms: splitKeepingSpaces(sanitized(value)), to: &output)
  }

  /// The words of a display name: as they are when they are plain atoms, as one quoted
  /// string when they contain specials, as encoded-words when they are not ASCII.
  static func phraseAtoms(_ name: String, firstWordLength: Int = EncodedWord.maximumLength) -> [String] {
    if !name.utf8.allSatisfy({ $0 < 0x80 }) || containsEncodedWordMarker(name) {
      return EncodedWord.encode(name, firstWordLength: firstWordLength)
    }
    let isAtom = name.utf8.allSatisfy { isAtext($0) || $0 == UInt8(ascii: " ") }
    if isAtom && !containsPair(name, .space, .space) {
      return name.utf8.split(separator: .space).map { String(decoding: $0, as: UTF8.self) }
    }
    var quoted = "\""
    for character in name {
      if character == "\"" || character == "\\" { quoted.append("\\") }
      quoted.append(character)
    }
    quoted.append("\"")
    return [quoted]
  }

  /// Room for an encoded-word after `Name: `, on a line that RFC 2047 §2 limits to 76 characters
  /// (a later word starts a continuation line of its own, " " and at most 75).
  private static func firstWordLength(after name: String) -> Int {
    76 - name.utf8.count - 2
  }

  /// Replaces CR, LF and other control characters with a space; a tab is kept.
  public static func sanitized(_ value: String) -> String {
    guard value.unicodeScalars.contains(where: isForbidden) else { return value }
    var scalars = String.UnicodeScalarView()
    for scalar in value.unicodeScalars {
      scalars.append(isForbidden(scalar) ? " " : scalar)
    }
    return String(scalars)
  }

  private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
      || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{85}"
  }

  /// Text that looks like an encoded-word would be decoded by the reader; encode it instead.
  private static func containsEncodedWordMarker(_ value: String) -> Bool {
    containsPair(value, UInt8(ascii: "="), UInt8(ascii: "?"))
  }

  /// Whether the UTF-8 of `value` has `first` directly followed by `second`.
  private static func containsPair(_ value: String, _ first: UInt8, _ second: UInt8) -> Bool {
    var previous: UInt8 = 0
    for byte in value.utf8 {
      if previous == first && byte == second { return true }
      previous = byte
    }
    return false
  }

  static func isAtext(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    default:
      return "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }
  }

  /// Splits at single spaces, keeping runs of spaces inside the following atom, so that
  /// joining the atoms with one space gives the value back exactly.
  private static func splitKeepingSpaces(_ value: String) -> [String] {
    value.utf8.split(separator: .space, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
  }

  /// Joins atoms with single spaces, starting a continuation line (CRLF + space) before
  /// an atom that would pass the preferred line length. An atom longer than a line stays whole:
  /// it is not broken, and the caller keeps such atoms under 998 characters.
  private static func appendFolded(name: String, atoms: [String], to output: inout [UInt8]) {
    output.append(contentsOf: name.utf8)
    output.append(UInt8(ascii: ":"))
    var column = name.utf8.count + 1
    for (index, atom) in atoms.enumerated() {
      let length = atom.utf8.count
      if index > 0 && column + 1 + length > preferredLineLength && column > 1 && !(atom.isEmpty) {
        output.append(.cr)
        output.append(.lf)
        output.append(.space)
        column = 1
      } else {
        output.append(.space)
        column += 1
      }
      output.append(contentsOf: atom.utf8)
      column += length
    }
    output.append(.cr)
    output.append(.lf)
  }
}
