import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore

/// What `herald check` and `herald send` ask the store about a release: that the lists in
/// its `lists:` exist, that each `{{subscriber.KEY}}` in its text is a field a subscriber
/// can have, and how many of its recipients would find such a field empty.
package enum RecipientCheck {
  /// The errors and warnings for `release`.
  /// - Parameters:
  ///   - audience: who it goes to; nil for the release's own lists. Its `lists:` are
  ///     checked only when they are what it goes to.
  ///   - conditions: `--where`'s, for the release's own lists (an `audience` has its own).
  ///   - store: the workspace's store.
  /// - Throws: `StoreError` when the store cannot be read, or `audience` names a list or a
  ///   campaign it does not know.
  package static func diagnostics(
    for release: Release, audience: SubscriberStore.Audience? = nil, conditions: [SubscriberCondition] = [], store: SubscriberStore
  ) throws -> [Diagnostic] {
    var found: [Diagnostic] = []
    let lists = try Set(store.lists().map(\.name))
    // The release's own lists are checked when the send goes to them (with or without --where).
    let named: [String]? = audience.map { if case .lists(let names, _) = $0 { names } else { [] } }
    if named == nil || named == release.lists {
      // A name that is no list name at all is ReleaseChecker's error already.
      for name in release.lists where !lists.contains(name) && name == Release.slugify(name) {
        let suggestion = Suggestion.closest(to: name, among: lists).map { " (did you mean “\($0)”?)" } ?? ""
        found.append(Diagnostic(.error, file: release.file, line: release.frontMatterLines["lists"],
          "the list “\(name)” in “lists:” does not exist\(suggestion); "
            + (lists.isEmpty ? "there are no lists yet: make it with herald lists create \(name)" : "the lists are \(lists.sorted().joined(separator: ", "))")))
      }
    }

    let uses = ReleaseChecker.subscriberFields(in: release)
    guard !uses.isEmpty else { return found }
    let fields = try Recipient.standardFields.union(store.attributeKeys())
    for use in uses where !fields.contains(use.key) {
      let suggestion = Suggestion.closest(to: use.key, among: fields).map { " (did you mean “\($0)”?)" } ?? ""
      found.append(Diagnostic(.error, file: release.file, line: use.line,
        "no subscriber has the field “\(use.key)” that {{subscriber.\(use.key)}} asks for\(suggestion), so it would be empty for everyone; "
          + "the fields are \(fields.sorted().joined(separator: ", "))"))
    }

    // Who would find a field empty: a section on it ({{#subscriber.KEY}}) says what they
    // read instead, so only the fields without one are counted.
    let personal = uses.filter { fields.contains($0.key) && !$0.guarded }
    let reached = audience ?? .lists(release.lists.filter { lists.contains($0) }, where: conditions)
    if case .lists(let names, _) = reached, names.isEmpty || !names.allSatisfy({ lists.contains($0) }) { return found }
    guard !personal.isEmpty else { return found }
    var empty: [String: Int] = [:]
    let total: Int
    do {
      total = try store.forEachRecipient(reached) { recipient in
        let person = Recipient(recipient.subscriber)
        for use in personal where person.templateValue(use.key) == nil { empty[use.key, default: 0] += 1 }
      }
    } catch let error as StoreError where error.code == .notFound {
      return found  // a correction whose campaign reached no one (yet): the send says so
    }
    for use in personal {
      guard let count = empty[use.key] else { continue }
      found.append(Diagnostic(.warning, file: release.file, line: use.line,
        "{{subscriber.\(use.key)}} is empty for \(count.formatted()) of \(total.formatted()) recipients, who read “\(use.textWithoutValue.prefix(60))”; "
          + "fill in the field, or put what needs it in {{#subscriber.\(use.key)}}…{{/subscriber.\(use.key)}}"))
    }
    return found
  }
}

extension RecipientCheck {
  /// The errors and warnings for a release and its translations: the first language's as
  /// `diagnostics(for:…)` gives them (its lists are the send's), and for each translation the
  /// `{{subscriber.KEY}}` fields no subscriber has. (How many would find a field empty is
  /// counted for the first language only: who reads which translation is decided per send.)
  package static func diagnostics(
    for family: ReleaseFamily, audience: SubscriberStore.Audience? = nil, conditions: [SubscriberCondition] = [], store: SubscriberStore
  ) throws -> [Diagnostic] {
    try diagnostics(for: family.first, audience: audience, conditions: conditions, store: store)
      + family.releases.dropFirst().flatMap { try diagnostics(for: $0, audience: .lists([]), store: store) }
  }
}

extension Recipient {
  /// A subscriber as a recipient of their mail: their name, organisation and attributes,
  /// and their id in their signed links.
  package init(_ subscriber: Subscriber) {
    self.init(
      mailbox: Mailbox(name: subscriber.name, address: subscriber.email), organization: subscriber.organization,
      attributes: subscriber.attributes, subscriberID: subscriber.id)
  }
}

extension CampaignRequest {
  /// Who the request names, for `RecipientCheck`: nil when it goes to the release's own lists.
  var checkedAudience: SubscriberStore.Audience? {
    if let correctionOf { return .campaign(correctionOf) }
    // With the conditions of --where: the empty fields are counted among those it reaches.
    return lists.isEmpty ? nil : .lists(lists, where: conditions)
  }
}
