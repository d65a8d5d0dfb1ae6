import HeraldCompose
import HeraldCore
import Testing

/// A stray blank line that splits one sentence into two paragraphs is warned at the second.
struct SplitSentenceCheckTests {
  func splitWarnings(_ body: String) throws -> [Diagnostic] {
    ReleaseChecker.diagnostics(for: try Fixtures.compose(Fixtures.releaseText(body: body))).filter { $0.message.contains("stray blank line") }
  }

  @Test func aSentenceSplitByABlankLineIsWarnedAtItsSecondHalf() throws {
    // Front matter is lines 1–6, the body starts on line 7.
    let found = try splitWarnings("Russia signed the treaty in 1968 and serves as a depository\n\ncountry, with the UK and the US.\n")
    #expect(found.count == 1)
    #expect(found.first?.line == 9)
    #expect(found.first?.severity == .warning)
    #expect(found.first?.message.contains("line 8") == true)
    #expect(found.first?.message.contains("as a depository") == true)
  }

  @Test(arguments: [
    // Each ends a sentence, or the next begins one.
    "It ends here.\n\nand this one is lower case.\n",
    "A list follows:\n\nfirst, the lead.\n",
    "No punctuation here\n\nBut a capital there.\n",
    "“A quote,” she said\n\n— a dash begins this one.\n",
    "Ends in a quote”\n\n“Next quote.”\n",
  ])
  func paragraphsThatEndOrBeginSentencesAreNotWarned(_ body: String) throws {
    #expect(try splitWarnings(body).isEmpty)
  }

  @Test func aSplitInsideAQuoteOrAListItemIsWarnedToo() throws {
    #expect(try splitWarnings("> The survey covers 48\n>\n> cities in Europe.\n").count == 1)
    #expect(try splitWarnings("- The survey covers 48\n\n  cities in Europe.\n").count == 1)
  }

  @Test func aParagraphAfterAHeadingOrListIsNotComparedWithTheOneBefore() throws {
    #expect(try splitWarnings("Intro without stop\n\n## heading\n\nlower case start.\n").isEmpty)
  }

  @Test func cyrillicIsJudgedByTheSameRule() throws {
    #expect(try splitWarnings("Россия подписала договор как государство-депозитарий\n\nи с тех пор…\n").count == 1)
  }
}
