import Foundation
import HeraldTesting
import Testing

/// `herald check --spam`: SpamAssassin's verdict on the release as a subscriber gets it.
@Suite(.serialized)
struct SpamCommandTests {
  let root: URL

  init() throws {
    root = try HeraldProcess.temporaryDirectory()
    let result = try HeraldProcess.run(["init", "ws"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
  }

  var workspace: URL { root.appendingPathComponent("ws") }
  let release = "ws/Releases/2020-03-31-water-report.md"

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  func append(_ text: String, to path: String) throws {
    let handle = try FileHandle(forWritingTo: workspace.appendingPathComponent(path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
  }

  @Test(.timeLimit(.minutes(1)))
  func theSamplePassesAndTheScoreAndRulesArePrinted() throws {
    let result = try herald("check", "--workspace", "ws", release, "--spam")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("SpamAssassin: "), "\(result.stdout)")
    #expect(result.stdout.contains("passes"))
    #expect(result.stdout.contains("HTML_MESSAGE"))
    // Nothing written in the home folder by SpamAssassin: it had its own preferences.
    #expect(!result.stderr.contains("created user preferences"))
  }

  @Test(.timeLimit(.minutes(1)))
  func aReleaseThatScoresAboveTheThresholdFailsWithTheRulesInJSON() throws {
    try append("\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n", to: "Releases/2020-03-31-water-report.md")
    let result = try herald("check", "--workspace", "ws", release, "--spam", "--json")
    #expect(result.status == 1)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let spam = try #require(report["spam"] as? [String: Any])
    #expect(spam["passed"] as? Bool == false)
    #expect((spam["score"] as? Double ?? 0) >= 1000)
    #expect(spam["threshold"] as? Double == 5)
    let rules = try #require(spam["rules"] as? [[String: Any]])
    #expect(rules.first?["name"] as? String == "GTUBE")
    let problems = try #require(report["problems"] as? [[String: Any]])
    #expect(problems.contains { ($0["message"] as? String ?? "").contains("spam_threshold") })
  }

  @Test(.timeLimit(.minutes(1)))
  func theThresholdComesFromHeraldYml() throws {
    try append("\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n", to: "Releases/2020-03-31-water-report.md")
    try append("spam_threshold: 99.5\n", to: "herald.yml")
    // GTUBE scores 1000: above any threshold herald.yml may set, so it still fails…
    #expect(try herald("check", "--workspace", "ws", release, "--spam").status == 1)
    // …and the threshold printed is the configured one.
    let result = try herald("check", "--workspace", "ws", release, "--spam")
    #expect(result.stdout.contains("of 99.5"), "\(result.stdout)")
  }

  @Test func aThresholdOutOfRangeIsAConfigurationErrorWithItsLine() throws {
    try append("spam_threshold: -1\n", to: "herald.yml")
    let result = try herald("check", "--workspace", "ws", release)
    #expect(result.status == 1)
    #expect(result.stdout.contains("spam_threshold") || result.stderr.contains("spam_threshold"))
    #expect((result.stdout + result.stderr).contains("herald.yml:"))
  }

  @Test func withoutSpamNothingIsScored() throws {
    let result = try herald("check", "--workspace", "ws", release)
    #expect(!result.stdout.contains("SpamAssassin"))
  }
}
