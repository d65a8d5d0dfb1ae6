import Foundation

/// Punycode (RFC 3492), the encoding that writes an internationalised domain label in
/// ASCII, and the conversion of a whole domain name to its ASCII form ("xn--" labels).
public enum Punycode {
  // Bootstring parameters for Punycode, RFC 3492 §5.
  private static let base: UInt32 = 36
  private static let tMin: UInt32 = 1
  private static let tMax: UInt32 = 26
  private static let skew: UInt32 = 38
  private static let damp: UInt32 = 700
  private static let initialBias: UInt32 = 72
  private static let initialN: UInt32 = 128
  private static let delimiter = UInt8(ascii: "-")

  /// Encodes a label's code points as Punycode, without the "xn--" prefix: "bücher" → "bcher-kva".
  ///
  /// ASCII characters are copied as they are, in their case; the label is not normalised
  /// or lowercased (``toASCII(domain:)`` does that).
  /// - Returns: the encoding, or nil when the label is so long that a delta overflows 32 bits.
  public static func encode(_ label: String) -> String? {
    let input = label.unicodeScalars.map(\.value)
    guard input.count < Int(UInt32.max) else { return nil }
    let length = UInt32(input.count)

    var output: [UInt8] = input.filter { $0 < 0x80 }.map { UInt8($0) }
    let basicCount = UInt32(output.count)
    if basicCount > 0 { output.append(delimiter) }

    var n = initialN
    var delta: UInt32 = 0
    var bias = initialBias
    var handled = basicCount
    while handled < length {
      // Every code point still to insert is at least n, so the minimum exists.
      guard let next = input.lazy.filter({ $0 >= n }).min() else { return nil }
      guard let step = multiply(next - n, handled + 1), let sum = add(delta, step) else { return nil }
      delta = sum
      n = next
      for codePoint in input {
        if codePoint < n {
          guard let incremented = add(delta, 1) else { return nil }
          delta = incremented
        }
        if codePoint == n {
          var q = delta
          var k = base
          while true {
            let t = threshold(k, bias)
            if q < t { break }
            output.append(digit(t + (q - t) % (base - t)))
            q = (q - t) / (base - t)
            k += base
          }
          output.append(digit(q))
          bias = adapt(delta, handled + 1, firstTime: handled == basicCount)
          delta = 0
          handled += 1
        }
      }
      // Neither can overflow: delta < length, and n + 1 ≤ 0x110000.
      delta += 1
      n += 1
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Decodes Punycode, without the "xn--" prefix, to the label's code points: "bcher-kva" → "bücher".
  ///
  /// Letters are read in either case (the RFC's mixed-case annotation is ignored).
  /// - Returns: the label, or nil when `text` is not valid Punycode.
  public static func decode(_ text: String) -> String? {
    let input = Array(text.utf8)
    guard input.allSatisfy({ $0 < 0x80 }) else { return nil }
    let literalEnd = input.lastIndex(of: delimiter) ?? 0
    var output: [Unicode.Scalar] = input[..<literalEnd].map { Unicode.Scalar($0) }

    var n = initialN
    var i: UInt32 = 0
    var bias = initialBias
    var position = literalEnd > 0 ? literalEnd + 1 : 0
    while position < input.count {
      let oldI = i
      var weight: UInt32 = 1
      var k = base
      while true {
        guard position < input.count, let value = digitValue(input[position]) else { return nil }
        position += 1
        guard let product = multiply(value, weight), let sum = add(i, product) else { return nil }
        i = sum
        let t = threshold(k, bias)
        if value < t { break }
        guard let nextWeight = multiply(weight, base - t) else { return nil }
        weight = nextWeight
        k += base
      }
      let count = UInt32(output.count + 1)
      bias = adapt(i - oldI, count, firstTime: oldI == 0)
      guard let nextN = add(n, i / count) else { return nil }
      n = nextN
      i %= count
      // Basic code points must appear literally, not as deltas (RFC 3492 §3.2).
      guard n >= 0x80, let scalar = Unicode.Scalar(n) else { return nil }
      output.insert(scalar, at: Int(i))
      i += 1
    }
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: output)
    return String(scalars)
  }

  /// Converts a domain name to the ASCII form used in DNS and SMTP: "Bücher.Example" → "xn--bcher-kva.example".
  ///
  /// Each label is NFC-normalised and lowercased; a label with non-ASCII characters becomes
  /// "xn--" and its Punycode. The ideographic full stops "。", "．" and "｡" separate labels
  /// like ".". Labels must be 1–63 octets of letters, digits and hyphens, not starting or
  /// ending with a hyphen, and the whole name at most 253 octets. A single label is accepted;
  /// an address needs more (see ``EmailAddress/normalize(_:)``).
  /// - Throws: `MailError` with code `.invalidAddress`, saying which label is wrong and why.
  public static func toASCII(domain: String) throws -> String {
    do {
      return try asciiLabels(of: domain).joined(separator: ".")
    } catch {
      throw MailError(.invalidAddress, "“\(domain)” is not a valid domain name: \(error.reason)")
    }
  }

  /// Why a domain cannot be written in ASCII, as the end of a sentence that names the value.
  struct DomainProblem: Error {
    var reason: String
  }

  /// The ASCII labels of `domain`, checked as ``toASCII(domain:)`` describes; one definition
  /// shared with `EmailAddress`, which words the error for an address.
  static func asciiLabels(of domain: String) throws(DomainProblem) -> [String] {
    // IDNA (RFC 3490 §3.1) reads these as dots; Chinese and Japanese input methods type them.
    var scalars = String.UnicodeScalarView()
    for scalar in domain.unicodeScalars {
      scalars.append(["\u{3002}", "\u{FF0E}", "\u{FF61}"].contains(scalar) ? "." : scalar)
    }
    let labels = scalars.split(separator: ".", omittingEmptySubsequences: false).map { String(Substring($0)) }
    var ascii: [String] = []
    for label in labels {
      guard !label.isEmpty else {
        throw DomainProblem(reason: "the domain “\(domain)” has an empty label: two dots in a row, or a dot at its start or end")
      }
      ascii.append(try asciiLabel(label, in: domain))
    }
    let name = ascii.joined(separator: ".")
    guard name.utf8.count <= 253 else {
      let form = name == domain ? "" : " in its ASCII form"
      throw DomainProblem(reason: "the domain is \(name.utf8.count) characters long\(form); the limit is 253")
    }
    return ascii
  }

  /// One label in ASCII: lowercased, and "xn--" + Punycode when it is not ASCII.
  private static func asciiLabel(_ label: String, in domain: String) throws(DomainProblem) -> String {
    // Lowercasing can leave a string that is not in NFC, hence the second normalisation.
    // ASCII is its own NFC: most domains skip the Unicode work (it runs per imported row).
    let folded = label.utf8.allSatisfy({ $0 < 0x80 })
      ? label.lowercased() : label.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
    for character in folded where !character.unicodeScalars.allSatisfy(isAllowedInLabel) {
      throw DomainProblem(
        reason: "“\(character)” is not allowed in the domain “\(domain)”; a domain has letters, digits, hyphens and dots")
    }
    if folded.hasPrefix("-") { throw DomainProblem(reason: "the domain label “\(label)” starts with “-”") }
    if folded.hasSuffix("-") { throw DomainProblem(reason: "the domain label “\(label)” ends with “-”") }

    if folded.unicodeScalars.allSatisfy(\.isASCII) {
      guard folded.utf8.count <= 63 else {
        throw DomainProblem(reason: "the domain label “\(label)” is \(folded.utf8.count) characters long; the limit is 63")
      }
      if folded.hasPrefix("xn--") {
        // An ASCII-form label is valid only if it is what its own Unicode form converts to.
        let unicode = decode(String(folded.dropFirst(4)))
        guard let unicode, !unicode.unicodeScalars.allSatisfy(\.isASCII), (try? asciiLabel(unicode, in: domain)) == folded else {
          throw DomainProblem(
            reason: "the domain label “\(label)” starts with “xn--” but is not a valid internationalised label; check it for typos")
        }
      }
      return folded
    }

    if let first = folded.unicodeScalars.first, [.nonspacingMark, .spacingMark].contains(first.properties.generalCategory) {
      throw DomainProblem(reason: "the domain label “\(label)” starts with a combining mark")
    }
    // IDNA2008 (RFC 5892 "Unstable") disallows characters that NFKC would change: full-width
    // and styled forms look like other names and would encode to a domain nobody registered.
    let compatible = folded.precomposedStringWithCompatibilityMapping.lowercased().precomposedStringWithCanonicalMapping
    guard compatible.unicodeScalars.elementsEqual(folded.unicodeScalars) else {
      throw DomainProblem(
        reason: "the domain label “\(label)” has full-width or other compatibility characters; write it as “\(compatible)”")
    }
    guard let encoded = encode(folded) else {
      throw DomainProblem(reason: "the domain label “\(label)” is too long to encode")
    }
    let ascii = "xn--" + encoded
    guard ascii.utf8.count <= 63 else {
      throw DomainProblem(
        reason: "the domain label “\(label)” is \(ascii.utf8.count) characters long in its ASCII form “\(ascii)”; the limit is 63")
    }
    return ascii
  }

  /// Whether a code point may appear in a lowercased label: ASCII letters, digits and "-", and
  /// beyond ASCII the letters, marks and decimal digits that IDNA2008 builds on (RFC 5892 §2.1).
  private static func isAllowedInLabel(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
      return ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }
    switch scalar.properties.generalCategory {
    case .lowercaseLetter, .uppercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber:
      return true
    default:
      return false
    }
  }

  // MARK: Bootstring arithmetic, RFC 3492 §6

  private static func threshold(_ k: UInt32, _ bias: UInt32) -> UInt32 {
    k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
  }

  private static func adapt(_ delta: UInt32, _ count: UInt32, firstTime: Bool) -> UInt32 {
    var delta = firstTime ? delta / damp : delta / 2
    delta += delta / count
    var k: UInt32 = 0
    while delta > ((base - tMin) * tMax) / 2 {
      delta /= base - tMin
      k += base
    }
    return k + (base - tMin + 1) * delta / (delta + skew)
  }

  private static func digit(_ value: UInt32) -> UInt8 {
    // 0–25 are "a"–"z", 26–35 are "0"–"9".
    value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
  }

  private static func digitValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a"))
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0")) + 26
    default: nil
    }
  }

  private static func add(_ a: UInt32, _ b: UInt32) -> UInt32? {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? nil : sum
  }

  private static func multiply(_ a: UInt32, _ b: UInt32) -> UInt32? {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? nil : product
  }
}
