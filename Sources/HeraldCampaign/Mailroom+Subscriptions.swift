import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore

// What the public site asks of the mailroom: subscription requests from a form (with the
// confirmation mail a double opt-in list sends), confirmations and unsubscribes by link.
// Each runs its store calls and Outbox writes on the blocking pool (`BlockingWork`), never
// on the caller's thread: a web server's event loop keeps answering meanwhile.
extension Mailroom {
  /// A subscription asked for in a public form.
  package struct SubscriptionForm: Sendable {
    /// The address typed in.
    package var email: String
    /// The name, if one was given.
    package var name: String?
    /// The organisation, if one was given.
    package var organization: String?
    /// The list's name.
    package var list: String
    /// The consent evidence: who asked (address, user agent) and the words agreed to.
    package var source: ConsentSource

    /// Makes a request.
    package init(email: String, name: String?, organization: String?, list: String, source: ConsentSource) {
      self.email = email
      self.name = name
      self.organization = organization
      self.list = list
      self.source = source
    }
  }

  /// Records a subscription request; when it needs confirming (a double opt-in list, or an
  /// address coming back), writes the confirmation mail to the Outbox — at most one per
  /// address and list within `web.confirmation_cooldown`.
  /// - Throws: `StoreError` (`.invalidInput` for an address that is not one, `.notFound`
  ///   for an unknown list); what composing or enqueueing the confirmation throws.
  package func requestSubscription(_ form: SubscriptionForm) async throws -> SubscriberStore.SubscriptionRequest {
    try await BlockingWork.run { [self] in try requestSubscriptionNow(form) }
  }

  /// `requestSubscription` on the caller's thread (one that may block: `SubscriptionRequests`').
  package func requestSubscriptionNow(_ form: SubscriptionForm) throws -> SubscriberStore.SubscriptionRequest {
    let now = clock.now
    let outcome = try store.requestSubscription(
      email: form.email, name: form.name, organization: form.organization, list: form.list, source: form.source,
      cooldown: configuration.web.confirmationCooldown, at: now)
    if case .confirm(let subscriber) = outcome {
      try sendConfirmation(to: try EmailAddress.normalize(form.email), subscriber: subscriber, list: try store.list(named: form.list), at: now)
    }
    return outcome
  }

  /// What a confirmation link's token says.
  package enum ConfirmationLink: Sendable, Equatable {
    /// Genuine and within its lifetime: the subscriber and list it confirms, and when it
    /// was issued (to the second).
    case valid(SubscriberID, list: String, issued: Date)
    /// Genuine, and older than `web.confirmation_lifetime`.
    case expired
  }

  /// Reads a confirmation link's token; nil when it is not one of ours (forged, altered,
  /// issued in the future, another purpose).
  package func confirmationLink(_ token: String) -> ConfirmationLink? {
    guard token.utf8.count < 512, let signer = try? linkSigner(), let (subscriber, list, issued) = try? signer.verifyConfirmationToken(token),
      let id = SubscriberID(subscriber)
    else { return nil }
    let age = clock.now.timeIntervalSince(issued)
    guard age >= -60 else { return nil }  // issued in the future: not ours
    return age > configuration.web.confirmationLifetime ? .expired : .valid(id, list: list, issued: issued)
  }

  /// The subscriber and list of an unsubscribe link's token; nil when it is not one of ours.
  package func unsubscribeLink(_ token: String) -> (subscriber: SubscriberID, list: String)? {
    guard token.utf8.count < 512, let signer = try? linkSigner(), let (subscriber, list) = try? signer.verifyUnsubscribeToken(token),
      let id = SubscriberID(subscriber)
    else { return nil }
    return (id, list)
  }

  /// Confirms a subscription (the confirmation link's button), with the evidence: a link
  /// issued before the person last unsubscribed confirms nothing.
  package func confirmSubscription(
    _ subscriber: SubscriberID, list: String, issued: Date, source: ConsentSource
  ) async throws -> SubscriberStore.Confirmation {
    try await BlockingWork.run { [self] in
      // An unsubscribe taken into the journal a moment ago, not yet in the store, counts:
      // recorded first, it makes a link issued before it confirm nothing.
      try store.applyPendingUnsubscribes()
      return try store.confirmSubscription(subscriber, list: list, issued: issued, source: source, at: clock.now)
    }
  }

  /// Unsubscribes by link from `list`, or from every list when nil, with the evidence.
  /// - Returns: the lists that changed.
  @discardableResult
  package func unsubscribe(_ subscriber: SubscriberID, list: String?, source: ConsentSource) async throws -> [String] {
    try await BlockingWork.run { [self] in try store.unsubscribe(subscriber, list: list, source: source, at: clock.now) }
  }

  /// Takes an unsubscribe by link durably, whether or not the store can be written now: it
  /// is appended to the store's journal and flushed (with the others that came meanwhile)
  /// before this returns, and recorded in the store as soon as the store is free
  /// (`UnsubscribeService`, or the next send). A one-click unsubscribe never waits for
  /// another process's write, and is never lost to one.
  /// - Parameter list: the list, or nil for every list.
  /// - Throws: `StoreError` when neither the journal nor the store could take it.
  package func takeUnsubscribe(_ subscriber: SubscriberID, list: String?, source: ConsentSource) async throws {
    let entry = UnsubscribeJournal.Entry(subscriber: subscriber, list: list, source: source, at: clock.now)
    do {
      try await store.unsubscribes.append(entry)
    } catch let error as StoreError {
      // The journal's disk refused (full, a permission): the store itself may still take it.
      logger.error("the unsubscribe journal could not be written; recording in the store", metadata: ["error": "\(error)"])
      try await unsubscribe(subscriber, list: list, source: source)
    }
  }

  /// A service that records the unsubscribes of the journal in the store as soon as it can
  /// be written (see `UnsubscribeService`).
  package func unsubscribeService(
    retryLimit: Duration = UnsubscribeService.defaultRetryLimit, onEvent: @escaping @Sendable (UnsubscribeService.Event) -> Void = { _ in }
  ) -> UnsubscribeService {
    UnsubscribeService(store: store, retryLimit: retryLimit, onEvent: onEvent)
  }

  /// The subscriber with this id and their memberships, or nil (forgotten, never there).
  package func subscriber(_ id: SubscriberID) async throws -> (Subscriber, [Membership])? {
    try await BlockingWork.run { [self] in try store.subscriber(id: id) }
  }

  /// Every list, by name.
  package func lists() async throws -> [MailingList] {
    try await BlockingWork.run { [self] in try store.lists() }
  }

  /// Writes the confirmation of a subscription to the Outbox: a link to the confirmation
  /// page, good for `web.confirmation_lifetime`.
  private func sendConfirmation(to address: String, subscriber: SubscriberID, list: MailingList, at now: Date) throws {
    let compose = configuration.compose
    let token = try linkSigner().confirmationToken(subscriber: subscriber.description, list: list.name, issued: now)
    let link = site.url(.confirm(token: token))
    // In the list's language (what its members read), else the site's; Herald's words.
    let language = list.language ?? configuration.web.language
    let words = ((try? workspace.strings()) ?? .english).table(for: language)
    let until = DateFormatter()
    until.locale = Locale(identifier: LanguageTag.primary(language))
    until.timeZone = compose.timeZone
    until.dateStyle = .long
    until.timeStyle = .short
    let values = [
      "list": "**\(ComposedNotice.escape(list.title))**", "organization": ComposedNotice.escape(compose.organization),
      "address": ComposedNotice.escape(address), "lifetime": TimeSpan.describe(configuration.web.confirmationLifetime),
      "until": until.string(from: now.addingTimeInterval(configuration.web.confirmationLifetime)),
    ]
    let markdown = """
      \(words.filling("confirm_request", values))

      [\(words["confirm_button"])](\(link))

      \(words.filling("confirm_lifetime", values)) \(words["confirm_ignore"])
      """
    let notice = ComposedNotice(
      markdown: markdown, kind: .confirmation, from: compose.from, to: Mailbox(address: address), replyTo: compose.replyTo,
      subject: words.filling("confirm_subject", ["list": list.title]), settings: compose, stamp: MessageStamp.now(at: now))
    try enqueue(notice.message, kind: .confirmation, subscriber: subscriber, at: now)
  }
}
