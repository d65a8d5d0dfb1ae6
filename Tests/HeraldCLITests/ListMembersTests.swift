import Foundation
import HeraldTesting
import Testing

/// `herald lists show NAME`: a list's members with their states, a page at a time.
struct ListMembersTests {
  let root: URL
  let addresses: [String]

  init() throws {
    (root, addresses) = try HeraldProcess.workspace(list: "press-en", readers: 120)
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  @Test func aListsMembersAreShownAPageAtATimeByAddress() throws {
    _ = try herald("subscribers", "unsubscribe", "reader7@example.com", "--list", "press-en")
    let first = try herald("lists", "show", "press-en")
    #expect(first.status == 0, "\(first.stderr)")
    let lines = first.stdout.split(separator: "\n")
    #expect(lines.first?.hasPrefix("EMAIL") == true)
    #expect(lines.count == 1 + 50 + 1, "a header, 50 members and the footer")
    // By address, as the bytes sort: reader0@, reader100@, reader101@ … reader10@ …
    let sorted = addresses.sorted()
    #expect(lines[1...50].map { String($0.prefix { $0 != " " }) } == Array(sorted[0..<50]))
    #expect(first.stdout.contains("1–50 of 120 member(s), page 1 of 3. Next: herald lists show press-en --page 2"), "\(first.stdout)")
    let page = try #require(sorted.firstIndex(of: "reader7@example.com")) / 50 + 1
    let shown = try herald("lists", "show", "press-en", "--page", "\(page)")
    let unsubscribed = try #require(shown.stdout.split(separator: "\n").first { $0.hasPrefix("reader7@example.com ") })
    #expect(unsubscribed.contains("unsubscribed"))

    let last = try herald("lists", "show", "press-en", "--page", "3")
    #expect(last.stdout.split(separator: "\n").count == 1 + 20 + 1)
    #expect(last.stdout.contains("101–120 of 120 member(s), page 3 of 3."), "\(last.stdout)")
    #expect(!last.stdout.contains("Next:"))

    // The group's default command takes the name too.
    #expect(try herald("lists", "press-en").stdout == first.stdout)
  }

  @Test func aStatusShowsOnlyThoseMembersAndJSONSaysThePage() throws {
    _ = try herald("subscribers", "unsubscribe", "reader7@example.com", "--list", "press-en")
    let only = try herald("lists", "show", "press-en", "--status", "unsubscribed")
    #expect(only.stdout.contains("reader7@example.com") && !only.stdout.contains("reader8@example.com"), "\(only.stdout)")
    #expect(only.stdout.contains("1–1 of 1 unsubscribed member(s), page 1 of 1."), "\(only.stdout)")

    let json = try herald("lists", "show", "press-en", "--per-page", "100", "--page", "2", "--json")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
    #expect(object["total"] as? Int == 120 && object["page"] as? Int == 2 && object["pages"] as? Int == 2 && object["per_page"] as? Int == 100)
    let members = try #require(object["members"] as? [[String: Any]])
    #expect(members.count == 20)
    #expect(members.allSatisfy { ($0["status"] as? String) != nil && ($0["since"] as? String) != nil && ($0["email"] as? String) != nil })
  }

  @Test func anUnknownListOrPageSaysSo() throws {
    let unknown = try herald("lists", "show", "nope")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("nope"), "\(unknown.stderr)")
    let beyond = try herald("lists", "show", "press-en", "--page", "9")
    #expect(beyond.stdout.contains("there is no page 9"), "\(beyond.stdout)")
    #expect(try herald("lists", "show", "press-en", "--page", "0").status == 64)
  }
}
