import Foundation
import HeraldTesting
import Testing

/// End-to-end: the workspace's personal data is readable by its owner only (issue 14).
struct PrivacyCommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.workspace()
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  func mode(_ relative: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(relative).path)[.posixPermissions] as? Int)
  }

  @Test func aStoreReadableByOthersIsMadeOwnerOnlyWhenACommandOpensItAndSaysSoOnce() throws {
    #expect(try herald("lists", "create", "press-en").status == 0)
    #expect(try mode("Lists/herald.sqlite") == 0o600, "created owner-only")
    #expect(chmod(root.appendingPathComponent("Lists/herald.sqlite").path, 0o644) == 0)
    let first = try herald("lists")
    #expect(first.status == 0)
    #expect(first.stderr.contains("warning: "), "\(first.stderr)")
    #expect(first.stderr.contains("Lists/herald.sqlite could be read by other users (mode 644)"), "\(first.stderr)")
    #expect(try mode("Lists/herald.sqlite") == 0o600)
    let second = try herald("lists")
    #expect(!second.stderr.contains("could be read by other users"), "\(second.stderr)")
  }

  @Test func checkWarnsAboutEveryFileOfPersonalDataOthersCanReadWithTheChmodToRun() throws {
    #expect(try herald("lists", "create", "press-en").status == 0)
    let store = root.appendingPathComponent("Lists/herald.sqlite").path
    #expect(chmod(store, 0o644) == 0)
    let message = root.appendingPathComponent("Outbox/queue/leftover.msg")
    try FileManager.default.createDirectory(at: message.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data("To: reader@example.com\r\n".utf8).write(to: message)
    #expect(chmod(message.path, 0o644) == 0)
    let release = "Releases/2020-03-31-water-report.md"
    let check = try herald("check", release)
    #expect(check.status == 0, "warnings only: \(check.stdout)")
    // check opens the store (for its lists), which makes it owner-only, and says so.
    #expect(check.stdout.contains("Lists/herald.sqlite: warning: could be read by other users (mode 644); it holds personal data and is now owner-only (mode 600)"), "\(check.stdout)")
    #expect(try FileManager.default.attributesOfItem(atPath: store)[.posixPermissions] as? Int == 0o600)
    #expect(check.stdout.contains("Outbox/queue/leftover.msg: warning: can be read by other users"), "\(check.stdout)")
    // Once they are owner-only, check says nothing about them.
    #expect(chmod(store, 0o600) == 0 && chmod(message.path, 0o600) == 0)
    let again = try herald("check", release)
    #expect(!again.stdout.contains("can be read by other users"), "\(again.stdout)")
  }
}
