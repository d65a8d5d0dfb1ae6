import Foundation
import HeraldCore
import HeraldYAML

/// herald.yml's `replies:` section: how answers to inquiries are written. The section and
/// every key in it are optional.
package struct ReplySettings: Sendable, Equatable {
  /// Whether the journalist's question is quoted below the answer, as mail programs do.
  package var quoteQuestion = true

  /// The defaults.
  package init() {}

  static let knownKeys: Set<String> = ["quote_question"]

  /// Reads the section; problems are added for what cannot be used.
  static func read(_ yaml: YAMLMapping, problems: inout [Diagnostic]) -> ReplySettings {
    var settings = ReplySettings()
    if let quote = yaml.collect(&problems, { try yaml.bool("quote_question") }) ?? nil { settings.quoteQuestion = quote }
    return settings
  }
}
