import Foundation
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore

/// What a person asks for with `herald send RELEASE --test-to ADDRESS`: the message one
/// subscriber would get, sent to the press office's own addresses.
package struct TestCopyRequest: Sendable {
  /// The release file, as given.
  package var release: String
  /// Where the test copies go: one message each.
  package var to: [Mailbox]
  /// The address of the subscriber whose message it is; nil for the first recipient.
  package var subscriber: String?
  /// The lists whose recipients it is chosen from; empty for the release's own `lists:`.
  package var lists: [String] = []

  /// A request for a test copy of `release` to `to`, as its first recipient would get it.
  package init(release: String, to: [Mailbox]) {
    self.release = release
    self.to = to
  }
}

/// What `Mailroom.sendTestCopy` did.
package struct TestCopyResult: Sendable {
  /// One test copy: where it went and what the relay said.
  package struct Copy: Sendable {
    /// The address it went to.
    package var to: String
    /// What delivery came to; nil when it was not tried (no session).
    package var outcome: DeliveryOutcome?
    /// The relay's reply, or why there was none.
    package var detail: String?
  }

  /// The name its messages have in the Outbox (`_test-copy-…`): never a release's campaign.
  package var campaign: CampaignID
  /// The subject as sent, marked “[TEST]”.
  package var subject: String
  /// Whose message it is.
  package var subscriber: Subscriber
  /// The list it would reach them through (List-Id, the unsubscribe link).
  package var list: String
  /// Every copy, in the order asked for.
  package var copies: [Copy]
}

extension Mailroom {
  /// Sends a test copy of a release: exactly what one subscriber would receive (their
  /// name, organisation and fields, their list), to `request.to` only, its subject marked
  /// “[TEST]”, DKIM-signed, through the Outbox and the relay like the real message. It is
  /// one-off mail of kind `.testCopy`: no campaign of the release, no delivery-log row,
  /// nothing the re-send guard or the report counts. The embargo does not hold it back.
  /// - Parameters:
  ///   - session: delivers it at once; nil leaves it in the Outbox for `herald deliver`.
  ///   - now: the messages' date.
  /// - Throws: `CampaignError` `.releaseHasErrors` (what `herald check` reports as errors),
  ///   `.invalidRequest` (no address, no lists, a subscriber who is not a recipient, no
  ///   recipients); `ComposeError`, `StoreError`, `DeliveryError`.
  package func sendTestCopy(_ request: TestCopyRequest, session: DeliverySession?, now: Date = Date()) throws -> TestCopyResult {
    guard !request.to.isEmpty else { throw CampaignError(.invalidRequest, "a test copy needs an address to go to: --test-to ADDRESS") }
    let family = try workspace.composeFamily(request.release, configuration: configuration)
    let release = family.first.release
    let lists = request.lists.isEmpty ? release.lists : request.lists
    let audience = SubscriberStore.Audience.lists(lists)
    let diagnostics = try ReleaseChecker.diagnostics(for: family)
      + RecipientCheck.diagnostics(for: family.family, audience: request.lists.isEmpty ? nil : audience, store: store)
    if diagnostics.contains(where: { $0.severity == .error }) {
      throw CampaignError(.releaseHasErrors, "the release has errors; no test copy was sent", diagnostics: diagnostics)
    }
    guard !lists.isEmpty else {
      throw CampaignError(.invalidRequest, "the release names no lists; pass --list NAME, or add “lists: [NAME]” to its front matter")
    }
    let chosen = try testCopyRecipient(of: audience, lists: lists, address: request.subscriber)

    let campaign = CampaignID(kind: .testCopy, started: now)
    let sender = (release.from ?? configuration.compose.from).address
    let person = Recipient(chosen.subscriber)
    // In the language that subscriber would get.
    let listLanguage = try store.lists().first { $0.name == chosen.list }?.language
    let composed = family.composed(subscriberLanguage: chosen.subscriber.language, listLanguage: listLanguage).release
    let messages = request.to.map { address in
      let message = composed.message(for: person, list: chosen.list, stamp: .now(at: now), testCopyTo: address)
      // No subscriber: the delivery log records nothing, and no one's state changes.
      return OutboxMessage(campaign: campaign, sender: sender, recipient: address.address, created: now, bytes: message.bytes)
    }
    try enqueue(messages, at: now)
    let results = Shared<[String: Deliverer.Result]>([:])
    if let session {
      let ids = Set(messages.map(\.id))
      _ = session.run(onResult: { result in
        if ids.contains(result.message.id) { results.withLock { $0[result.message.id] = result } }
      })
    }
    let delivered = results.value
    return TestCopyResult(
      campaign: campaign, subject: ComposedRelease.testCopyMark + composed.release.subject, subscriber: chosen.subscriber, list: chosen.list,
      copies: messages.map { TestCopyResult.Copy(to: $0.recipient, outcome: delivered[$0.id]?.outcome, detail: delivered[$0.id]?.detail) })
  }

  /// The recipient of `audience` with `address`, or its first recipient when nil.
  private func testCopyRecipient(of audience: SubscriberStore.Audience, lists: [String], address: String?) throws -> SubscriberStore.Recipient {
    let wanted: Subscriber?
    if let address {
      guard let subscriber = try store.subscriber(address: address) else {
        throw CampaignError(.invalidRequest,
          "no subscriber has the address \(address); --as names one of the recipients (herald lists show \(lists[0]) lists them)")
      }
      wanted = subscriber
    } else {
      wanted = nil
    }
    // The store turns an error thrown to stop early into its own: read on, keep the first.
    var found: SubscriberStore.Recipient?
    try store.forEachRecipient(audience) { recipient in
      if found == nil, wanted == nil || recipient.subscriber.id == wanted?.id { found = recipient }
    }
    if let found { return found }
    if let address {
      throw CampaignError(.invalidRequest,
        "\(address) is not a recipient of \(lists.joined(separator: ", ")) (not subscribed, or suppressed); --as names one of the recipients")
    }
    throw CampaignError(.invalidRequest,
      "the lists \(lists.joined(separator: ", ")) have no subscribed members: there is no one whose message a test copy could show")
  }
}
