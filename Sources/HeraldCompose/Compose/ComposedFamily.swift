import Foundation
import HeraldCore
import HeraldMail

/// A release and its translations, each composed once (`ComposedRelease` per language),
/// ready to give every reader the message in their language.
package struct ComposedFamily: Sendable {
  /// The releases.
  package let family: ReleaseFamily
  /// Each translation composed, in `family.releases`' order: the first language first.
  package let translations: [ComposedRelease]

  /// Composes every translation with its language's words.
  /// - Parameters:
  ///   - mediaFolder: The workspace's Media/ folder, for the translations' photos and files
  ///     (see `ComposedRelease.init`).
  /// - Throws: `ComposeError` with the problems of every translation that cannot be composed.
  package init(
    family: ReleaseFamily, templates: ReleaseTemplates, settings: ComposeSettings, signer: LinkSigner, strings: StringsCatalog,
    mediaFolder: MediaFolder? = nil
  ) throws {
    var composed: [ComposedRelease] = []
    var problems: [Diagnostic] = []
    for release in family.releases {
      do {
        composed.append(try ComposedRelease(
          release: release, templates: templates, settings: settings, signer: signer,
          strings: strings.table(for: ReleaseFamily.language(of: release)), mediaFolder: mediaFolder))
      } catch let error as ComposeError {
        problems += error.diagnostics
      }
    }
    if !problems.isEmpty { throw ComposeError(.release, problems) }
    self.family = family
    self.translations = composed
  }

  /// The first language's release: what readers without their translation get, and what
  /// decides the lists, the embargo and the campaign's name.
  package var first: ComposedRelease { translations[0] }

  /// Who gets which translation.
  package var choice: LanguageChoice { family.choice }

  /// The translation in `language` (primary subtag), or the first language's.
  package func composed(in language: String) -> ComposedRelease {
    let code = LanguageTag.primary(language)
    return zip(family.languages, translations).first { $0.0 == code }?.1 ?? first
  }

  /// The translation a reader gets, and its language.
  package func composed(subscriberLanguage: String?, listLanguage: String?) -> (language: String, release: ComposedRelease) {
    let language = choice.language(subscriber: subscriberLanguage, list: listLanguage)
    return (language, composed(in: language))
  }
}
