import HeraldCompose
import HeraldStore

/// Whether sending a release also puts it in the public web archive and feed, and why.
///
/// A release sent only to public lists is published: anyone could subscribe and read it.
/// One that goes to a private list (partners, an embargoed briefing) is not, unless its
/// front matter says `publish: true`; `publish: false` keeps any release out of the archive.
package struct PublishDecision: Sendable, Equatable {
  /// Why the release is published or not.
  package enum Reason: Sendable, Equatable {
    /// Every list it goes to is public.
    case everyListPublic
    /// The front matter says `publish: true`, over these private lists (maybe none).
    case publishTrue(privateLists: [String])
    /// The front matter says `publish: false`.
    case publishFalse
    /// It goes to these private lists, and the front matter says nothing.
    case privateLists([String])
  }

  /// Why.
  package var reason: Reason

  /// Whether the send publishes the release.
  package var publishes: Bool {
    switch reason {
    case .everyListPublic, .publishTrue: true
    case .publishFalse, .privateLists: false
    }
  }

  /// Decides for a release sent through `lists`.
  /// - Parameters:
  ///   - release: the release, whose front matter may say `publish: true` or `false`.
  ///   - lists: the names of the lists it goes to.
  ///   - known: the workspace's lists; a name that is not among them counts as private.
  package init(release: Release, lists: [String], known: [MailingList]) {
    let publicNames = Set(known.filter(\.isPublic).map(\.name))
    var seen = Set<String>()
    let privateLists = lists.filter { !publicNames.contains($0) && seen.insert($0).inserted }
    switch release.publish {
    case true?: reason = .publishTrue(privateLists: privateLists)
    case false?: reason = .publishFalse
    case nil: reason = privateLists.isEmpty && !lists.isEmpty ? .everyListPublic : .privateLists(privateLists)
    }
  }

  /// Makes a decision for a reason.
  package init(_ reason: Reason) {
    self.reason = reason
  }

  /// Why, in a few words for people and scripts: "every list it goes to is public", "list
  /// partners is private; add publish: true to the front matter to publish it".
  package var explanation: String {
    switch reason {
    case .everyListPublic:
      return "every list it goes to is public"
    case .publishTrue(let lists) where lists.isEmpty:
      return "the release says publish: true"
    case .publishTrue(let lists):
      return "the release says publish: true, although \(Self.naming(lists)) private"
    case .publishFalse:
      return "the release says publish: false"
    case .privateLists(let lists) where lists.isEmpty:
      return "it goes to no list; add publish: true to the front matter to publish it"
    case .privateLists(let lists):
      return "\(Self.naming(lists)) private; add publish: true to the front matter to publish it"
    }
  }

  /// "the list partners is", "the lists a, b are".
  private static func naming(_ lists: [String]) -> String {
    lists.count == 1 ? "the list \(lists[0]) is" : "the lists \(lists.joined(separator: ", ")) are"
  }
}
