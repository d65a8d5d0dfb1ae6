import Foundation
import HeraldCore
import Yams

/// A YAML mapping read strictly: keys must be known, values of the right type, and every
/// problem names the key, the file and the line, so a person can go straight to it.
/// herald.yml and a release's front matter are read with it; their readers turn its
/// `YAMLError` into their own errors.
package struct YAMLMapping {
  /// The file the YAML came from, for messages.
  package let file: String
  /// The line in the file where the YAML text starts (front matter starts on line 2).
  let firstLine: Int
  private(set) var values: [String: Node] = [:]
  private(set) var lines: [String: Int] = [:]
  /// Unknown and repeated keys: reported with the value problems, all at once.
  package private(set) var keyProblems: [Diagnostic] = []
  private let mappingLine: Int
  /// "delivery." for the keys of a nested section, so messages name the full key.
  private let prefix: String

  /// Parses `yaml` and checks its keys against `known`; unknown or repeated keys are
  /// kept in `keyProblems`.
  /// - Throws: `YAMLError` with the YAML syntax error.
  package init(yaml: String, file: String, firstLine: Int, known: Set<String>) throws {
    let node: Node?
    do {
      node = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      if case .duplicatedKeysInMapping(let duplicates, _) = error, let key = duplicates.first {
        let lines = Self.lines(startingWithKey: key, in: yaml)
        throw YAMLError(file: file, line: lines.dropFirst().first.map { $0 + firstLine - 1 },
          "“\(key)” is given twice\(lines.first.map { " (first on line \($0 + firstLine - 1))" } ?? ""); keep one")
      }
      throw YAMLError(file: file, line: Self.line(of: error).map { $0 + firstLine - 1 },
        "the YAML is not valid: \(Self.problem(of: error)); check indentation, colons and quotes")
    }
    try self.init(node: node, file: file, firstLine: firstLine, mappingLine: firstLine, known: known, prefix: "")
  }

  /// Reads one mapping node; nil reads as an empty mapping.
  private init(node: Node?, file: String, firstLine: Int, mappingLine: Int, known: Set<String>, prefix: String) throws {
    self.file = file
    self.firstLine = firstLine
    self.mappingLine = mappingLine
    self.prefix = prefix
    guard let node else { return }
    guard case .mapping(let mapping) = node else {
      throw YAMLError(file: file, line: node.mark.map { $0.line + firstLine - 1 } ?? mappingLine,
        prefix.isEmpty ? "expected “key: value” lines, found \(Self.kind(of: node))"
          : "“\(prefix.dropLast())” must be a section of “key: value” lines indented under it, not \(Self.kind(of: node))")
    }
    var problems: [Diagnostic] = []
    for (keyNode, value) in mapping {
      let line = (keyNode.mark?.line ?? 1) + firstLine - 1
      guard let key = keyNode.string else {
        problems.append(Diagnostic(.error, file: file, line: line, "a key must be plain text"))
        continue
      }
      if !known.contains(key) {
        let suggestion = Self.closest(to: key, in: known).map { " (did you mean “\($0)”?)" } ?? ""
        problems.append(Diagnostic(.error, file: file, line: line,
          "unknown key “\(prefix)\(key)”\(suggestion); known keys\(prefix.isEmpty ? "" : " in \(prefix.dropLast())"): \(known.sorted().joined(separator: ", "))"))
      } else if let first = lines[key] {
        problems.append(Diagnostic(.error, file: file, line: line, "“\(prefix)\(key)” is given twice (first on line \(first))"))
      } else {
        values[key] = value
        lines[key] = line
      }
    }
    keyProblems = problems
  }

  /// Runs the reading of one value; a problem with it is added to `problems` (and nil
  /// returned) so that every problem in the file is reported at once.
  package func collect<T>(_ problems: inout [Diagnostic], _ read: () throws -> T) -> T? {
    do {
      return try read()
    } catch let error as any DiagnosedError {
      problems.append(contentsOf: error.diagnostics)
      return nil
    } catch {
      problems.append(Diagnostic(.error, file: file, line: nil, "\(error)"))
      return nil
    }
  }

  /// The line of `key`, or of the mapping when the key is absent.
  package func line(_ key: String) -> Int { lines[key] ?? mappingLine }

  package func has(_ key: String) -> Bool { values[key] != nil }

  /// A string value; nil when absent or null. Numbers and booleans are read as their text.
  package func string(_ key: String) throws -> String? {
    guard let node = values[key] else { return nil }
    guard case .scalar(let scalar) = node else {
      throw error(key, "must be text, not \(Self.kind(of: node))")
    }
    if scalar.style == .plain && (scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty) {
      return nil
    }
    return scalar.string
  }

  /// A required, non-empty string.
  package func requiredString(_ key: String, hint: String) throws -> String {
    guard let value = try string(key), !value.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw error(key, values[key] == nil ? "is required: add “\(key): \(hint)”" : "must not be empty: write, for example, “\(key): \(hint)”")
    }
    return value
  }

  /// A boolean (`true`/`false`); nil when absent.
  package func bool(_ key: String) throws -> Bool? {
    guard let node = values[key] else { return nil }
    guard case .scalar(let scalar) = node, scalar.style == .plain, let value = node.bool else {
      throw error(key, "must be true or false")
    }
    return value
  }

  /// An integer; nil when absent.
  package func int(_ key: String) throws -> Int? {
    guard let node = values[key] else { return nil }
    guard let value = node.int else { throw error(key, "must be a whole number") }
    return value
  }

  /// A list of strings; a single string is read as a list of one.
  package func strings(_ key: String) throws -> [String]? {
    guard let node = values[key] else { return nil }
    switch node {
    case .scalar:
      return try string(key).map { [$0] } ?? []
    case .sequence(let sequence):
      return try sequence.map { item in
        guard case .scalar(let scalar) = item else { throw error(key, "must be a list of names, like [press-en, press-fr]") }
        return scalar.string
      }
    default:
      throw error(key, "must be a list of names, like [press-en, press-fr]")
    }
  }

  /// A nested section, such as `delivery:` with its own known keys; nil when absent.
  package func section(_ key: String, known: Set<String>) throws -> YAMLMapping? {
    guard let node = values[key] else { return nil }
    if case .scalar(let scalar) = node, scalar.style == .plain, ["", "~", "null"].contains(scalar.string) { return nil }
    return try YAMLMapping(node: node, file: file, firstLine: firstLine, mappingLine: line(key), known: known, prefix: "\(prefix)\(key).")
  }

  /// Sections given as one mapping or as a list of mappings (`dkim:` with one key or
  /// several); nil when absent. The keys of the n-th are named `KEY[n].name` in messages.
  package func sections(_ key: String, known: Set<String>) throws -> [YAMLMapping]? {
    guard let node = values[key] else { return nil }
    if case .scalar(let scalar) = node, scalar.style == .plain, ["", "~", "null"].contains(scalar.string) { return nil }
    guard case .sequence(let sequence) = node else {
      return [try YAMLMapping(node: node, file: file, firstLine: firstLine, mappingLine: line(key), known: known, prefix: "\(prefix)\(key).")]
    }
    return try sequence.enumerated().map { index, item in
      let itemLine = item.mark.map { $0.line + firstLine - 1 } ?? line(key)
      return try YAMLMapping(node: item, file: file, firstLine: firstLine, mappingLine: itemLine, known: known, prefix: "\(prefix)\(key)[\(index + 1)].")
    }
  }

  /// A number (whole or not); nil when absent.
  package func double(_ key: String) throws -> Double? {
    guard let node = values[key] else { return nil }
    guard let value = node.float ?? node.int.map(Double.init), value.isFinite else { throw error(key, "must be a number") }
    return value
  }

  /// A span of time: a number of seconds, or a number with s, m, h or d ("90s", "5m",
  /// "67m", "5d"); nil when absent.
  package func duration(_ key: String) throws -> TimeInterval? {
    guard let text = try string(key)?.trimmingCharacters(in: .whitespaces) else { return nil }
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    let unit = text.last.flatMap { units[$0] }
    let number = unit == nil ? text : String(text.dropLast())
    guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite else {
      throw error(key, "must be a span of time like 300s, 5m, 2h or 5d, not “\(text)”")
    }
    return value * (unit ?? 1)
  }

  /// A span of time that must be more than zero (a timeout, an interval); nil when absent.
  package func positiveDuration(_ key: String) throws -> TimeInterval? {
    guard let value = try duration(key) else { return nil }
    guard value > 0 else { throw error(key, "must be more than 0") }
    return value
  }

  /// A diagnostic for the value of `key`.
  package func error(_ key: String, _ message: String) -> YAMLError {
    YAMLError(file: file, line: line(key), "“\(prefix)\(key)” \(message)")
  }

  private static func kind(of node: Node) -> String {
    switch node {
    case .scalar: return "a single value"
    case .mapping: return "a nested mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }

  /// Where a syntax error is: where the construct it is about started (an unclosed
  /// quote's opening line), else where the parser stopped.
  private static func line(of error: YamlError) -> Int? {
    switch error {
    case .scanner(let context, _, let mark, _), .parser(let context, _, let mark, _), .composer(let context, _, let mark, _):
      return context?.mark.line ?? mark.line
    default: return nil
    }
  }

  /// The 1-based lines of `yaml` that start with `key:`.
  private static func lines(startingWithKey key: String, in yaml: String) -> [Int] {
    yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
      let trimmed = line.drop { $0 == " " }
      guard trimmed.hasPrefix(key) else { return nil }
      return trimmed.dropFirst(key.count).drop { $0 == " " }.hasPrefix(":") ? index + 1 : nil
    }
  }

  private static func problem(of error: YamlError) -> String {
    switch error {
    case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
      .composer(let context, let problem, _, _):
      return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    case .duplicatedKeysInMapping(let duplicates, _):
      return "duplicated keys \(duplicates.joined(separator: ", "))"
    default:
      return "\(error)"
    }
  }

  /// The known key within edit distance 2 of `key`, for "did you mean".
  static func closest(to key: String, in known: Set<String>) -> String? {
    known.map { ($0, editDistance(Array(key), Array($0))) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
  }

  private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in 1...max(b.count, 1) where !b.isEmpty {
        let current = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
        previous = current
      }
    }
    return row[b.count]
  }
}
