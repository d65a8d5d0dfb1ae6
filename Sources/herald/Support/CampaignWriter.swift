import Foundation
import HeraldCompose
import HeraldDelivery
import HeraldMail
import HeraldStore

/// Composes, DKIM-signs and enqueues one message per recipient of a campaign, in batches,
/// each durable before it can be sent. The first batches are small, so that a delivery
/// running beside it starts at once.
struct CampaignWriter {
  var composed: ComposedRelease
  var campaign: String
  /// The envelope sender.
  var sender: String
  var signer: DKIMSigner?
  var outbox: Outbox
  /// When the messages are dated, and aged from for the retry policy: now, or the time a
  /// scheduled send goes out.
  var date: Date

  /// Writes a message for each recipient that `recipients` hands to its body, but those in
  /// `skipping` (subscriber ids).
  /// - Returns: How many were enqueued, and the error that stopped the writing, if one did:
  ///   what was enqueued before it stays in the Outbox.
  func write(
    skipping: Set<Int64>, _ recipients: ((SubscriberStore.Recipient) throws -> Void) throws -> Void
  ) -> (enqueued: Int, error: Error?) {
    var batch: [OutboxMessage] = []
    var enqueued = 0
    func flush() throws {
      if let signer { try MessageSigning.sign(&batch, with: signer, at: date) }
      try outbox.enqueue(batch)
      enqueued += batch.count
      batch.removeAll(keepingCapacity: true)
    }
    do {
      try recipients { recipient in
        let subscriber = recipient.subscriber
        if skipping.contains(subscriber.id) { return }
        let person = Recipient(
          mailbox: Mailbox(name: subscriber.name, address: subscriber.email), organization: subscriber.organization,
          attributes: subscriber.attributes, subscriberID: String(subscriber.id))
        let message = composed.message(
          for: person, list: recipient.list, stamp: MessageStamp(date: date, unique: OutboxMessage.makeID(now: date).lowercased()))
        batch.append(OutboxMessage(
          campaign: campaign, sender: sender, recipient: subscriber.email, subscriber: String(subscriber.id), list: recipient.list,
          created: date, bytes: message.bytes))
        if batch.count >= (enqueued < 1000 ? 100 : 1000) { try flush() }
      }
      try flush()
      return (enqueued, nil)
    } catch {
      return (enqueued, error)
    }
  }
}
