import Foundation
import HeraldCore
import HeraldInbox
import HeraldMail
import HeraldTesting
import Testing

/// The peer check of issue 13: where sisimai (Debian libsisimai-perl, the reference bounce
/// analyser) is installed, every recipient it finds in a bounce or complaint fixture, Herald
/// finds too (Herald may find more). scripts/bootstrap installs it.
struct SisimaiPeerTests {
  /// The fixtures that are bounces or complaints.
  static var reports: [String] {
    InboxFixtures.all.filter { [.bounce, .complaint].contains(ClassifierTests.expectedClasses[$0]) }
  }

  @Test(.enabled(if: SisimaiOracle.isInstalled, "sisimai is not installed (perl -MSisimai -e1 fails): scripts/bootstrap installs libsisimai-perl"))
  func everyRecipientSisimaiFindsHeraldFindsToo() throws {
    let paths = Self.reports.map { InboxFixtures.directory.appendingPathComponent($0).path }
    let found = try SisimaiOracle.records(in: paths)
    var compared = 0
    for (name, path) in zip(Self.reports, paths) {
      let result = ClassifierTests.classify(InboxFixtures.bytes(name))
      let herald = Set((result.bounce?.recipients.map(\.address) ?? []) + (result.complaint?.recipients ?? []))
      // Automatic replies sisimai reads as "vacation" records are not bounces.
      let peer = Set((found[path] ?? []).filter { $0.reason != "vacation" }.map { $0.recipient.lowercased() })
      let missed = peer.subtracting(herald)
      #expect(missed.isEmpty, "\(name): sisimai found \(missed.sorted()), Herald found \(herald.sorted())")
      compared += peer.count
    }
    // The peer must have read something, or the check proves nothing.
    #expect(compared >= Self.reports.count, "sisimai found \(compared) recipients in \(Self.reports.count) reports")
  }
}
