import Foundation
import HeraldCompose
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore

/// Composes, DKIM-signs and enqueues one message per recipient of a campaign, in batches,
/// each durable before it can be sent. The first batches are small, so that a delivery
/// running beside it starts at once.
struct CampaignWriter {
  var composed: ComposedRelease
  var campaign: CampaignID
  /// The envelope sender.
  var sender: String
  /// Every message is signed with each (none: unsigned).
  var signers: [DKIMSigner]
  var outbox: Outbox
  /// When the messages are dated, and aged from for the retry policy: now, or the time a
  /// scheduled send goes out.
  var date: Date

  /// Writes a message for each recipient that `recipients` hands to its body, but those in
  /// `skipping` (subscriber ids), in batches.
  ///
  /// Unsigned, one thread composes and enqueues. Signed, three stages overlap: this thread
  /// composes, a second signs on every core (an RSA signature costs 25 times what
  /// composing a message does), a third writes the signed batches to the Outbox in order;
  /// at most two batches are in flight. (Without signing, the stages measured slower: the
  /// composer ran ahead of the senders beside it, and memory grew by 40 MB.)
  /// - Returns: How many were enqueued, and the error that stopped the writing, if one did:
  ///   what was enqueued before it stays in the Outbox.
  func write(
    skipping: Set<SubscriberID>, _ recipients: ((SubscriberStore.Recipient) throws -> Void) throws -> Void
  ) -> (enqueued: Int, error: Error?) {
    let pipeline = Pipeline()
    let signing = DispatchQueue(label: "herald.campaign.sign")
    let writing = DispatchQueue(label: "herald.campaign.write")
    let inFlight = DispatchSemaphore(value: 2)
    let group = DispatchGroup()
    func hand(_ messages: [OutboxMessage]) throws {
      if let error = pipeline.error { throw error }  // a later stage failed: stop composing
      guard !signers.isEmpty else {
        try outbox.enqueue(messages)
        pipeline.enqueued(messages.count)
        return
      }
      inFlight.wait()
      group.enter()
      signing.async { [date, outbox, signers] in
        var signed = messages
        do {
          if pipeline.error == nil { try MessageSigning.sign(&signed, with: signers, at: date) }
        } catch {
          pipeline.fail(error)
        }
        writing.async { [signed] in
          defer {
            inFlight.signal()
            group.leave()
          }
          guard pipeline.error == nil else { return }
          do {
            try outbox.enqueue(signed)
            pipeline.enqueued(signed.count)
          } catch {
            pipeline.fail(error)
          }
        }
      }
    }
    var composedCount = 0
    var batch: [OutboxMessage] = []
    var failure: Error?
    do {
      try recipients { recipient in
        let subscriber = recipient.subscriber
        if skipping.contains(subscriber.id) { return }
        let person = Recipient(
          mailbox: Mailbox(name: subscriber.name, address: subscriber.email), organization: subscriber.organization,
          attributes: subscriber.attributes, subscriberID: subscriber.id)
        let message = composed.message(
          for: person, list: recipient.list, stamp: MessageStamp(date: date, unique: OutboxMessage.makeID(now: date).lowercased()))
        batch.append(OutboxMessage(
          campaign: campaign, sender: sender, recipient: subscriber.email, subscriber: subscriber.id, list: recipient.list,
          created: date, bytes: message.bytes))
        composedCount += 1
        // Small first batches, so that sending starts at once; then bigger ones.
        if batch.count >= (composedCount <= 1000 ? 100 : 1000) {
          try hand(batch)
          batch.removeAll(keepingCapacity: true)
        }
      }
      if !batch.isEmpty { try hand(batch) }
    } catch {
      failure = error
    }
    group.wait()
    return (pipeline.count, pipeline.error ?? failure)
  }

  /// What the stages share: how many are enqueued, and the first error.
  private final class Pipeline: @unchecked Sendable {
    private let lock = NSLock()
    private var enqueuedCount = 0
    private var firstError: Error?

    var count: Int { lock.withLock { enqueuedCount } }
    var error: Error? { lock.withLock { firstError } }
    func enqueued(_ count: Int) { lock.withLock { enqueuedCount += count } }
    func fail(_ error: Error) { lock.withLock { if firstError == nil { firstError = error } } }
  }
}
