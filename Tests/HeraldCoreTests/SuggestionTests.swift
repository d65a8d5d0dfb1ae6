import HeraldCore
import Testing

struct SuggestionTests {
  static let commands = ["init", "new", "check", "preview", "lists", "subscribers", "send", "deliver", "outbox", "inbox", "inquiries", "report", "publish", "serve", "sink", "dkim"]

  @Test(arguments: [
    ("sned", "send"),  // two letters swapped: one edit
    ("snd", "send"),
    ("SEND", "send"),  // commands are written in small letters
    ("delivr", "deliver"),
    ("inquries", "inquiries"),
    ("subscriber", "subscribers"),
    ("chek", "check"),
    ("previw", "preview"),
  ])
  func aMistypedCommandIsMatchedToTheOneMeant(_ typed: String, _ meant: String) {
    #expect(Suggestion.closest(to: typed, among: Self.commands) == meant)
  }

  @Test(arguments: ["xyzzy", "mail", "unsubscribe", ""])
  func aWordFarFromEveryCandidateGetsNoSuggestion(_ typed: String) {
    #expect(Suggestion.closest(to: typed, among: Self.commands) == nil)
  }

  @Test func aTieBetweenTwoCandidatesSuggestsNeither() {
    // "sin" is one edit from both "sink" and "sing".
    #expect(Suggestion.closest(to: "sin", among: ["sink", "sing"]) == nil)
  }

  @Test func personalisationFieldsAreSuggestedToo() {
    #expect(Suggestion.closest(to: "beet", among: ["name", "organization", "beat", "language"]) == "beat")
  }
}
