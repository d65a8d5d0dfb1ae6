import ArgumentParser
import Foundation
import HeraldDelivery

struct OutboxCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "outbox", abstract: "What the Outbox holds: messages by state and by campaign, and the next retry.")

  @OptionGroup var options: WorkspaceOptions
  @Flag(help: "Print JSON.") var json = false

  func run() throws {
    let outbox = try reportingErrors { try Outbox(directory: options.value.outboxDirectory) }
    let counts = try reportingErrors { try outbox.counts() }
    let next = try reportingErrors { try outbox.nextDeferredAttempt() }
    let states = Outbox.State.allCases
    if json {
      try printJSON([
        "total": counts.total,
        "states": Dictionary(uniqueKeysWithValues: states.map { ($0.rawValue, counts.byState[$0] ?? 0) }),
        "campaigns": counts.byCampaign.mapValues { byState in Dictionary(uniqueKeysWithValues: states.map { ($0.rawValue, byState[$0] ?? 0) }) },
        "next_retry": next.map { ISO8601DateFormatter().string(from: $0) } ?? NSNull(),
      ])
      return
    }
    guard counts.total > 0 else {
      Terminal.say("The Outbox is empty.")
      return
    }
    var rows = [["CAMPAIGN"] + states.map { $0.rawValue.uppercased() }]
    for (campaign, byState) in counts.byCampaign.sorted(by: { $0.key < $1.key }) {
      rows.append([campaign] + states.map { "\(byState[$0] ?? 0)" })
    }
    rows.append(["total"] + states.map { "\(counts.byState[$0] ?? 0)" })
    Terminal.table(rows, rightAligned: Set(1...states.count))
    if let next { Terminal.say("Next retry: \(ISO8601DateFormatter().string(from: next))") }
  }
}
