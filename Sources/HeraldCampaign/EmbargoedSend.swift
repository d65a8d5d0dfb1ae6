import Foundation
import HeraldCompose
import HeraldCore
import HeraldStore

/// A send of a release that is under embargo when it goes, as the press means it: the
/// members of lists that take embargoed copies (vetted journalists) get it at the send's
/// time, marked "EMBARGOED until …" in the subject and a banner; everyone else gets the
/// ordinary release when the embargo lifts, held in the Outbox until then. It is one
/// campaign with two delivery times, so a correction goes to exactly those it reached and
/// sending again reaches only those who have neither.
package struct EmbargoedSend: Sendable, Equatable {
  /// When the embargo lifts, as written.
  package var time: EmbargoTime
  /// The lists whose members get an embargoed copy now (they take embargoed copies).
  package var copyLists: [String]
  /// The other lists, whose members get it at the lift.
  package var liftLists: [String]
  /// How many get an embargoed copy at the send's time.
  package var copies: Int
  /// How many get it when the embargo lifts.
  package var atLift: Int

  /// The moment the embargo lifts.
  package var lift: Date { time.instant }

  /// Whether a recipient who gets the release through `list` gets an embargoed copy now.
  package func sendsCopy(through list: String) -> Bool { copyLists.contains(list) }
}

extension Mailroom {
  /// The release's embargo when it is still on at `sendTime`; nil when there is none or it
  /// has lifted (then the release goes to everyone as it is).
  func embargoInForce(of release: Release, at sendTime: Date) -> EmbargoTime? {
    guard let time = release.embargoTime, time.instant > sendTime else { return nil }
    return time
  }

  /// `lists` with those that take embargoed copies first, in their order, then the others:
  /// a member of both kinds gets the release through the first (`Audience.lists`), so as an
  /// embargoed copy, once.
  /// - Throws: `StoreError` when the lists cannot be read.
  func copyListsFirst(_ lists: [String]) throws -> [String] {
    let taking = Set(try store.lists().filter(\.embargoedCopies).map(\.name))
    return lists.filter { taking.contains($0) } + lists.filter { !taking.contains($0) }
  }

  /// Who gets an embargoed copy now and who at the lift, for an audience whose recipients
  /// come through `lists` (a correction's: the lists its original reached).
  /// - Throws: `StoreError` when the store cannot be read.
  func embargoedSend(
    _ time: EmbargoTime, audience: SubscriberStore.Audience, lists: [String], excludingReceived: String?, skipping: Set<SubscriberID>
  ) throws -> EmbargoedSend {
    let taking = Set(try store.lists().filter(\.embargoedCopies).map(\.name))
    var send = EmbargoedSend(
      time: time, copyLists: lists.filter { taking.contains($0) }, liftLists: lists.filter { !taking.contains($0) }, copies: 0, atLift: 0)
    // Counted as the writer decides: by the list each recipient gets it through.
    try store.forEachRecipient(audience, excludingReceived: excludingReceived) { recipient in
      guard !skipping.contains(recipient.subscriber.id) else { return }
      if taking.contains(recipient.list) { send.copies += 1 } else { send.atLift += 1 }
    }
    return send
  }
}
