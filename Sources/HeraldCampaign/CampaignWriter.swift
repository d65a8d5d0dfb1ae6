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
  /// Under embargo: recipients through lists that take embargoed copies get a marked copy
  /// at `date`, the others the release at the lift (held in the Outbox until then).
  var embargo: EmbargoedSend? = nil
  /// The release with its translations: each recipient gets theirs (`LanguageChoice`); nil
  /// or a family of one, everyone gets `composed`.
  var family: ComposedFamily? = nil
  /// The lists' languages by name, for readers whose own language is not known.
  var listLanguages: [String: String] = [:]
  /// Told after each batch is in the Outbox (a delivery watching it starts at once).
  var written: @Sendable () -> Void = {}

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
    let pipeline = Pipeline(limit: 2)
    let signing = DispatchQueue(label: "herald.campaign.sign")
    let writing = DispatchQueue(label: "herald.campaign.write")
    func hand(_ messages: [OutboxMessage]) throws {
      if let error = pipeline.error { throw error }  // a later stage failed: stop composing
      guard !signers.isEmpty else {
        try outbox.enqueue(messages)
        pipeline.enqueued(messages.count)
        written()
        return
      }
      pipeline.begin()
      signing.async { [date, outbox, signers, written] in
        var signed = messages
        do {
          if pipeline.error == nil { try MessageSigning.sign(&signed, with: signers, at: date) }
        } catch {
          pipeline.fail(error)
        }
        writing.async { [signed] in
          defer { pipeline.end() }
          guard pipeline.error == nil else { return }
          do {
            try outbox.enqueue(signed)
            pipeline.enqueued(signed.count)
            written()
          } catch {
            pipeline.fail(error)
          }
        }
      }
    }
    var composedCount = 0
    // Embargoed copies, one per reader's zone that the banner and subject are written in.
    var copies: [String: ComposedRelease] = [:]
    var batch: [OutboxMessage] = []
    var failure: Error?
    do {
      try recipients { recipient in
        let subscriber = recipient.subscriber
        if skipping.contains(subscriber.id) { return }
        let person = Recipient(
          mailbox: Mailbox(name: subscriber.name, address: subscriber.email), organization: subscriber.organization,
          attributes: subscriber.attributes, subscriberID: subscriber.id)
        var release = composed
        var language: String?
        if let family, family.family.isTranslated {
          let chosen = family.composed(subscriberLanguage: subscriber.language, listLanguage: listLanguages[recipient.list])
          language = chosen.language
          release = chosen.release
        }
        var when = date
        if let embargo {
          if embargo.sendsCopy(through: recipient.list) {
            let zone = EmbargoMarking.readerZone(subscriber.attributes)
            let key = (language ?? "") + "/" + (zone?.identifier ?? "")
            if let made = copies[key] {
              release = made
            } else {
              release = release.embargoed(EmbargoMarking(embargo.time, readerZone: zone, settings: release.settings, strings: release.strings))
              copies[key] = release
            }
          } else {
            when = max(embargo.lift, date)
          }
        }
        let message = release.message(
          for: person, list: recipient.list, stamp: MessageStamp(date: when, unique: OutboxMessage.makeID(now: when).lowercased()))
        batch.append(OutboxMessage(
          campaign: campaign, sender: sender, recipient: subscriber.email, subscriber: subscriber.id, list: recipient.list,
          language: language, created: when, bytes: message.bytes))
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
    pipeline.waitUntilDone()
    return (pipeline.count, pipeline.error ?? failure)
  }

  /// What the stages share: the batches in flight (at most `limit`: the composer waits for
  /// room), how many messages are enqueued, and the first error.
  private struct Pipeline: Sendable {
    private struct State {
      var inFlight = 0
      var enqueued = 0
      var error: (any Error)?
    }

    private let state = Monitor(State())
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    var count: Int { state.read(\.enqueued) }
    var error: (any Error)? { state.read(\.error) }
    func enqueued(_ count: Int) { state.update { $0.enqueued += count } }
    func fail(_ error: any Error) { state.update { if $0.error == nil { $0.error = error } } }

    /// A batch enters the pipeline, once there is room for it.
    func begin() {
      state.wait(until: { [limit] in $0.inFlight < limit }) { $0.inFlight += 1 }
    }

    /// A batch has left the pipeline (written, or dropped after an error).
    func end() { state.update { $0.inFlight -= 1 } }

    /// Waits until every batch has left.
    func waitUntilDone() { state.wait(until: { $0.inFlight == 0 }) { _ in } }
  }
}
