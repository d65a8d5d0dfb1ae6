import Foundation
import HeraldMail
import Mustache
import Synchronization

/// The values of one recipient that templates may use, in a fixed order, and the
/// signature that says which of them are present (which decides every `{{#section}}`).
struct PersonalValues {
  /// "unsubscribe_url", "list.name", then "subscriber.KEY" in key order.
  var paths: [String]
  /// The values, in the same order; never empty.
  var values: [String]

  init(recipient: Recipient, list: String, unsubscribeURL: String) {
    paths = ["unsubscribe_url", "list.name"]
    values = [unsubscribeURL, list]
    for (key, value) in recipient.templateFields {
      paths.append("subscriber." + key)
      values.append(Self.removingMarkers(value))
    }
  }

  /// Which values are present: two recipients with the same signature get the same
  /// skeleton, only the values differ.
  var signature: [String] { paths }

  /// The Mustache context with the real values, or with markers in their place.
  func context(base: [String: Any], markers: Bool) -> [String: Any] {
    var context = base
    var objects: [String: [String: Any]] = ["subscriber": [:], "list": [:]]
    for (index, path) in paths.enumerated() {
      let value = markers ? Skeleton.marker(index) : values[index]
      if let dot = path.firstIndex(of: ".") {
        objects[String(path[..<dot]), default: [:]][String(path[path.index(after: dot)...])] = value
      } else {
        context[path] = value
      }
    }
    for (name, object) in objects { context[name] = object }
    return context
  }

  /// Recipient data never contains the private-use characters the markers are made of.
  private static func removingMarkers(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { (0xE000...0xE1FF).contains($0.value) }) else { return text }
    return String(String.UnicodeScalarView(text.unicodeScalars.filter { !(0xE000...0xE1FF).contains($0.value) }))
  }
}

/// A template rendered once for a signature, with markers where the recipient's values
/// go; filling it in is string concatenation instead of a Mustache render.
///
/// Each marker is U+E100, the value's index, "&", U+E101. Mustache HTML-escapes the "&"
/// in an escaped `{{tag}}` and leaves it in a raw `{{{tag}}}`, so the marker itself says
/// how its value must be escaped.
struct Skeleton {
  enum Piece {
    case text(String)
    case value(Int, escaped: Bool)
  }

  var pieces: [Piece]

  static func marker(_ index: Int) -> String { "\u{E100}\(index)&\u{E101}" }

  /// Reads the markers out of a rendered template.
  init(rendered: String) {
    var pieces: [Piece] = []
    var rest = rendered[...]
    while let start = rest.firstIndex(of: "\u{E100}"), let end = rest[start...].firstIndex(of: "\u{E101}") {
      if start > rest.startIndex { pieces.append(.text(String(rest[..<start]))) }
      let inside = rest[rest.index(after: start)..<end]
      let digits = inside.prefix { $0.isASCII && $0.isNumber }
      if let index = Int(digits) {
        pieces.append(.value(index, escaped: inside.dropFirst(digits.count) == "&amp;"))
      }
      rest = rest[rest.index(after: end)...]
    }
    if !rest.isEmpty { pieces.append(.text(String(rest))) }
    self.pieces = pieces
  }

  init(pieces: [Piece]) { self.pieces = pieces }

  var hasValues: Bool { pieces.contains { if case .value = $0 { return true } else { return false } } }

  /// The text with the values filled in; a value not given (as when estimating the
  /// size of the fixed text) is left out.
  func fill(_ values: [String]) -> String {
    var output = ""
    for piece in pieces {
      switch piece {
      case .text(let text):
        output += text
      case .value(let index, let escaped) where index < values.count:
        output += escaped ? HTMLRenderer.escape(values[index]) : values[index]
      case .value:
        break
      }
    }
    return output
  }

  /// Splits the skeleton into lines (each keeping its "\n"), for line-by-line encoding.
  func lines() -> [Skeleton] {
    var lines: [Skeleton] = []
    var current: [Piece] = []
    for piece in pieces {
      guard case .text(let text) = piece, text.contains("\n") else {
        current.append(piece)
        continue
      }
      var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
      let last = parts.removeLast()
      for part in parts {
        if !part.isEmpty { current.append(.text(String(part))) }
        current.append(.text("\n"))
        lines.append(Skeleton(pieces: current))
        current = []
      }
      if !last.isEmpty { current.append(.text(String(last))) }
    }
    if !current.isEmpty { lines.append(Skeleton(pieces: current)) }
    return lines
  }
}

/// A text part ready to be encoded per recipient: lines that do not depend on the
/// recipient are encoded in quoted-printable once; only the others are filled in and
/// encoded per message. (Quoted-printable encodes each line on its own, so the bytes are
/// the same as encoding the whole filled-in text.) Mostly non-Latin text, which goes out
/// as base64, is encoded whole per message.
struct EncodedPartTemplate {
  enum Chunk {
    case encoded([UInt8])
    case line(Skeleton, rewrap: Bool)
  }

  let subtype: String
  let transferEncoding: MIMEPart.TransferEncoding
  private let chunks: [Chunk]
  private let skeleton: Skeleton
  private let rewraps: Bool

  /// - Parameter rewraps: whether lines hold paragraphs to wrap after filling in (text).
  init(subtype: String, skeleton: Skeleton, rewraps: Bool) {
    self.subtype = subtype
    self.skeleton = skeleton
    self.rewraps = rewraps
    let estimate = Array(skeleton.fill([]).utf8)
    self.transferEncoding = MIMEPart.transferEncoding(for: estimate)
    var chunks: [Chunk] = []
    var pending: [UInt8] = []
    for line in skeleton.lines() {
      if line.hasValues {
        if !pending.isEmpty { chunks.append(.encoded(pending)) }
        pending = []
        chunks.append(.line(line, rewrap: rewraps && line.fill([]).contains(TextRenderer.deferredStart)))
      } else {
        var text = line.fill([])
        if rewraps { text = TextRenderer.rewrapPersonalised(text) }
        QuotedPrintable.encode(text.utf8, into: &pending)
      }
    }
    if !pending.isEmpty { chunks.append(.encoded(pending)) }
    self.chunks = chunks
  }

  /// The personalised text, before transfer encoding.
  func text(_ values: [String]) -> String {
    let filled = skeleton.fill(values)
    return rewraps ? TextRenderer.rewrapPersonalised(filled) : filled
  }

  /// The part, its headers and its encoded body.
  func part(_ values: [String]) -> MIMEPart {
    guard transferEncoding == .quotedPrintable else {
      return .text(subtype: subtype, content: Array(text(values).utf8))
    }
    var body: [UInt8] = []
    body.reserveCapacity(chunks.reduce(0) { if case .encoded(let bytes) = $1 { return $0 + bytes.count } else { return $0 + 160 } })
    for chunk in chunks {
      switch chunk {
      case .encoded(let bytes):
        body.append(contentsOf: bytes)
      case .line(let line, let rewrap):
        var text = line.fill(values)
        if rewrap { text = TextRenderer.rewrapPersonalised(text) }
        QuotedPrintable.encode(text.utf8, into: &body)
      }
    }
    return .encoded(subtype: subtype, transferEncoding: .quotedPrintable, body: body)
  }
}

/// The compiled parts for each signature met so far, shared by every thread composing
/// the release.
final class SkeletonCache: Sendable {
  struct Entry: @unchecked Sendable {
    /// nil when the skeleton did not reproduce a real render (a template transform,
    /// say): then every message of this signature is rendered by Mustache.
    var parts: (html: EncodedPartTemplate, text: EncodedPartTemplate)?
  }

  private let entries = Mutex<[[String]: Entry]>([:])

  func entry(for signature: [String], make: () -> Entry) -> Entry {
    if let entry = entries.withLock({ $0[signature] }) { return entry }
    let entry = make()
    entries.withLock { $0[signature] = entry }
    return entry
  }
}
