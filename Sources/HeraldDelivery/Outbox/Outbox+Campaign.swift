import Foundation
import HeraldCore

extension Outbox {
  /// The names of one campaign's messages in each state, from the folders' listings. A
  /// message keeps its name in every state, so the header of a name is read only the first
  /// time it is seen: `known` remembers which campaign each name belongs to, across calls
  /// (a page that shows a campaign's progress every few seconds reads only the new files).
  /// - Throws: `DeliveryError` `.corrupt` naming a damaged file, `.spool` on a disk error.
  package func names(of campaign: CampaignID, known: Shared<[String: CampaignID]>) throws -> [State: [String]] {
    try names(known: known).mapValues { names in names.filter { $0.campaign == campaign }.map(\.name) }
  }

  /// Every message's name in each state with its campaign, from the folders' listings and
  /// `known` (a header is read only for a name not seen before; see `names(of:known:)`).
  /// - Throws: `DeliveryError` `.corrupt` naming a damaged file, `.spool` on a disk error.
  package func names(known: Shared<[String: CampaignID]>) throws -> [State: [(name: String, campaign: CampaignID)]] {
    var listed: [State: [String]] = [:]
    for state in State.allCases {
      listed[state] = try SpoolFiles.names(in: folder(state)).filter(OutboxMessage.isValidID)
    }
    var seen = known.value
    var learned = false
    for (state, names) in listed {
      for name in names where seen[name] == nil {
        guard let header = try SpoolFiles.readHeader(fd(state), name, folder(state)) else { continue }  // moved meanwhile
        seen[name] = header.message.campaign
        learned = true
      }
    }
    let total = listed.values.reduce(0) { $0 + $1.count }
    if seen.count > 2 * total + 1_000 {
      // Names purged from the Outbox are forgotten.
      let present = Set(listed.values.joined())
      seen = seen.filter { present.contains($0.key) }
      learned = true
    }
    if learned { known.withLock { $0 = seen } }
    return listed.mapValues { names in names.compactMap { name in seen[name].map { (name: name, campaign: $0) } } }
  }

  /// The messages with these names in `state`, read whole (with every attempt); a name that
  /// has moved meanwhile is left out.
  /// - Throws: `DeliveryError` `.corrupt` naming a damaged file, `.spool` on a disk error.
  package func messages(_ names: [String], in state: State) throws -> [OutboxMessage] {
    try names.compactMap { name in
      guard let data = try SpoolFiles.read(fd(state), name, folder(state)) else { return nil }
      return try OutboxMessage.decodeFile(data, file: "\(folder(state))/\(name)")
    }
  }
}
