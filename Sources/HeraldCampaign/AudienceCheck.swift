import HeraldCompose
import HeraldCore
import HeraldStore

/// What `herald check` says about where a release goes, from the workspace's lists: whether
/// sending it publishes it (`PublishDecision`), and the lists whose web form takes anyone's
/// address without a confirmation.
package enum AudienceCheck {
  /// The notes and warnings for `release`.
  /// - Parameters:
  ///   - release: the release, with its front matter's lists and `publish`.
  ///   - lists: the workspace's lists.
  ///   - listsFile: where the lists are kept, as a person names it ("Lists/herald.sqlite").
  package static func diagnostics(for release: Release, lists: [MailingList], listsFile: String) -> [Diagnostic] {
    var found: [Diagnostic] = []
    let line = { (key: String) in release.frontMatterLines[key] }
    let decision = PublishDecision(release: release, lists: release.lists, known: lists)
    switch decision.reason {
    case .publishTrue(let privateLists) where !privateLists.isEmpty:
      found.append(Diagnostic(.warning, file: release.file, line: line("publish"),
        "herald send publishes this release in the public web archive and feed (publish: true), although "
          + "\(privateLists.count == 1 ? "the list \(privateLists[0]) is" : "the lists \(privateLists.joined(separator: ", ")) are") "
          + "private; remove publish: true unless it is meant for everyone"))
    case .privateLists(let privateLists) where !release.lists.isEmpty:
      found.append(Diagnostic(.note, file: release.file, line: line("lists"),
        "herald send will not publish this release in the web archive: \(PublishDecision(.privateLists(privateLists)).explanation)"))
    case .publishFalse:
      found.append(Diagnostic(.note, file: release.file, line: line("publish"),
        "herald send will not publish this release in the web archive (publish: false)"))
    default:
      break
    }
    for list in lists where list.isPublicSingleOptIn {
      found.append(Diagnostic(.warning, file: listsFile, line: nil,
        "the list \(list.name) has a public subscription form without double opt-in: \(MailingList.whyDoubleOptIn). "
          + "Turn it on with herald lists update \(list.name) --enable-double-opt-in"))
    }
    return found
  }
}
