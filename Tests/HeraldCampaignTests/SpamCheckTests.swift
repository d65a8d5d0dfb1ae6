import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldWorkspace
import Testing

/// `herald check --spam`'s scoring, against SpamAssassin itself (Debian's spamassassin, local
/// tests only).
@Suite(.serialized)
struct SpamCheckTests {
  /// The sample release as a reader of press-en receives it, with `edit` applied to its body.
  func message(editingBody edit: (String) -> String = { $0 }) throws -> [UInt8] {
    let fixture = try CampaignFixture(readers: 1)
    try fixture.editRelease(edit)
    let configuration = try fixture.workspace.configuration()
    let composed = try fixture.workspace.composeRelease(fixture.release, configuration: configuration)
    let reader = Recipient(mailbox: try Mailbox(parsing: "Reader <reader0@example.com>"))
    return composed.message(for: reader, list: "press-en", stamp: .now()).bytes
  }

  @Test(.timeLimit(.minutes(1)))
  func theSampleReleasePassesWithTheRulesThatFired() throws {
    let verdict = try SpamCheck().check(try message(), threshold: 5)
    #expect(!verdict.fails)
    #expect(verdict.score < 5)
    // SpamAssassin's own informational rule for any HTML mail, with its explanation.
    let html = try #require(verdict.rules.first { $0.name == "HTML_MESSAGE" })
    #expect(html.description.contains("HTML"))
    #expect(verdict.version?.hasPrefix("SpamAssassin") == true)
  }

  @Test(.timeLimit(.minutes(1)))
  func aMessageThatSpamAssassinCallsSpamFailsAboveTheThreshold() throws {
    // GTUBE, the standard test string every SpamAssassin installation scores at 1000.
    let spam = try message { $0 + "\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n" }
    let verdict = try SpamCheck().check(spam, threshold: 5)
    #expect(verdict.fails)
    #expect(verdict.score >= 1000)
    #expect(verdict.rules.first?.name == "GTUBE")
    #expect(verdict.rules.first?.points == 1000)
    // The threshold is the caller's: the same message passes a threshold above its score.
    #expect(try !SpamCheck().check(spam, threshold: verdict.score + 1).fails)
  }

  @Test func withoutSpamAssassinTheErrorSaysWhatToInstall() throws {
    let error = try #require(throws: CampaignError.self) { try SpamCheck(executable: "/nonexistent/spamassassin").check(Array("x".utf8), threshold: 5) }
    #expect(error.code == .spamCheck)
    #expect(error.message.contains("spamassassin package"))
  }

  @Test func foldedStatusAndWrappedExplanationsAreRead() throws {
    // The shape of SpamAssassin's test-mode output: a folded X-Spam-Status header, and a
    // report whose long explanations continue on indented lines.
    let output = """
      X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-25) on host\r
      X-Spam-Status: Yes, score=6.3 required=5.0 tests=FOO_BAR,\r
      \tHTML_MESSAGE autolearn=disabled version=4.0.1\r
      Subject: x\r
      \r
      body\r
      Content analysis details:   (6.3 points, 5.0 required)\r
      \r
       pts rule name              description\r
      ---- ---------------------- --------------------------------------------------\r
       6.3 FOO_BAR                BODY: A long explanation that SpamAssassin\r
                                  wraps onto a second line\r
       0.0 HTML_MESSAGE           BODY: HTML included in message\r
      \r
      """
    let verdict = try #require(SpamCheck.verdict(fromTestModeOutput: output, threshold: 5))
    #expect(verdict.score == 6.3)
    #expect(verdict.fails)
    #expect(verdict.rules.map(\.name) == ["FOO_BAR", "HTML_MESSAGE"])
    #expect(verdict.rules[0].description == "BODY: A long explanation that SpamAssassin wraps onto a second line")
    #expect(SpamCheck.verdict(fromTestModeOutput: "Subject: no status\r\n\r\nbody", threshold: 5) == nil)
  }
}
