/// What a request's `Range` header asks of a file of a known size (RFC 9110 §14): the
/// whole file, one part of it, or nothing it has.
///
/// One range is answered with that part (206); several ranges are answered with the whole
/// file (200), which RFC 9110 allows and every client accepts. A header that is not a byte
/// range, or is malformed, is ignored (the whole file), as the RFC asks.
enum ByteRange: Equatable, Sendable {
  /// The whole file: no range, one that is ignored, or several.
  case whole
  /// The bytes at these offsets, the last included.
  case part(ClosedRange<Int>)
  /// No byte of the file is in the range (416).
  case unsatisfiable

  /// What `header` asks of a file of `size` bytes.
  init(_ header: String?, size: Int) {
    guard let header else { self = .whole; return }
    let trimmed = header.trimmingWhitespace
    guard trimmed.count > 6, trimmed.prefix(6).lowercased() == "bytes=" else { self = .whole; return }
    let specs = trimmed.dropFirst(6).split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
    guard specs.count == 1, let spec = specs.first, let dash = spec.firstIndex(of: "-") else { self = .whole; return }
    let first = String(spec[..<dash])
    let last = String(spec[spec.index(after: dash)...])
    switch (Self.number(first), Self.number(last)) {
    case (nil, let count?) where first.isEmpty:
      // "-n": the last n bytes.
      guard count > 0, size > 0 else { self = .unsatisfiable; return }
      self = .part(max(0, size - count)...(size - 1))
    case (let start?, nil) where last.isEmpty:
      // "a-": from a to the end.
      self = start < size ? .part(start...(size - 1)) : .unsatisfiable
    case (let start?, let end?):
      guard start <= end else { self = .whole; return }
      self = start < size ? .part(start...min(end, size - 1)) : .unsatisfiable
    default:
      self = .whole
    }
  }

  /// Decimal digits as a number; numbers too large for an `Int` are `Int.max` (beyond any file).
  private static func number(_ text: String) -> Int? {
    guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
    return Int(text) ?? Int.max
  }
}

extension String {
  /// Without spaces and tabs at either end (HTTP's optional whitespace).
  var trimmingWhitespace: String {
    var view = Substring(self)
    while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
    while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
    return String(view)
  }
}
