import Foundation

/// The writing system a text is mostly in, and the language a press office writing in it
/// most likely means: what `herald new` puts in `language:` when `--language` is not given.
package enum WritingSystem: Sendable, Hashable {
  case latin, cyrillic, greek, arabic, hebrew, armenian, georgian, han, kana, hangul, thai, devanagari

  /// The script of most of the text's letters; nil for a text without letters.
  package init?(of text: String) {
    var counts: [WritingSystem: Int] = [:]
    for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
      if let script = Self.script(of: scalar) { counts[script, default: 0] += 1 }
    }
    guard let most = counts.max(by: { ($0.value, $1.key.order) < ($1.value, $0.key.order) }) else { return nil }
    self = most.key
  }

  /// The language a title in this script is most likely written in, as a BCP 47 tag. Cyrillic
  /// is Russian unless the text has letters only Ukrainian, Belarusian, Serbian, Macedonian or
  /// Bulgarian use; Latin is nil (many languages share it: the caller's default decides).
  package func likelyLanguage(of text: String) -> String? {
    switch self {
    case .latin: return nil
    case .cyrillic:
      let letters = Set(text.lowercased())
      if !letters.isDisjoint(with: "іїєґ") { return "uk" }
      if letters.contains("ў") { return "be" }
      if !letters.isDisjoint(with: "ѓќѕ") { return "mk" }
      if !letters.isDisjoint(with: "ђћџљњј") { return "sr" }
      return "ru"
    case .greek: return "el"
    case .arabic: return "ar"
    case .hebrew: return "he"
    case .armenian: return "hy"
    case .georgian: return "ka"
    case .han: return "zh"
    case .kana: return "ja"
    case .hangul: return "ko"
    case .thai: return "th"
    case .devanagari: return "hi"
    }
  }

  /// A stable order for ties, so the guess does not depend on dictionary order.
  private var order: Int {
    switch self {
    case .latin: return 0
    case .cyrillic: return 1
    case .greek: return 2
    case .arabic: return 3
    case .hebrew: return 4
    case .armenian: return 5
    case .georgian: return 6
    case .kana: return 7  // Japanese mixes kana with Han: kana wins a tie
    case .han: return 8
    case .hangul: return 9
    case .thai: return 10
    case .devanagari: return 11
    }
  }

  private static func script(of scalar: Unicode.Scalar) -> WritingSystem? {
    switch scalar.value {
    case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: return .latin
    case 0x370...0x3FF, 0x1F00...0x1FFF: return .greek
    case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: return .cyrillic
    case 0x530...0x58F: return .armenian
    case 0x590...0x5FF: return .hebrew
    case 0x600...0x6FF, 0x750...0x77F, 0x8A0...0x8FF: return .arabic
    case 0x900...0x97F: return .devanagari
    case 0xE00...0xE7F: return .thai
    case 0x10A0...0x10FF: return .georgian
    case 0x3040...0x30FF: return .kana
    case 0x4E00...0x9FFF, 0x3400...0x4DBF: return .han
    case 0xAC00...0xD7AF, 0x1100...0x11FF: return .hangul
    default: return nil
    }
  }
}
