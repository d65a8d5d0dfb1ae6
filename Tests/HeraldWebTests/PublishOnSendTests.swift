import Foundation
import HeraldCampaign
import HeraldStore
import HeraldTesting
import HummingbirdTesting
import Testing

@testable import HeraldWeb

/// herald send publishes in the public archive only what everyone could have subscribed
/// to, or what the release says to publish (issue 14, item 7): checked on the running
/// server's pages and feed.
struct PublishOnSendTests {
  let fixture: WebFixture
  init() throws {
    fixture = try WebFixture()
    // "staff" is the fixture's private list (no web form); press-en is public.
    try fixture.store.addSubscriber(email: "colleague@example.org", list: "staff", source: .commandLine("test"))
  }

  /// Writes a release going to `lists`, with `front` added to its front matter, and sends it
  /// into the Outbox (no relay: publishing happens when the messages are enqueued).
  func send(_ slug: String, title: String, lists: [String], front: String = "") async throws -> CampaignResult {
    let text = """
      ---
      title: "\(title)"
      date: 2026-12-02
      lists: [\(lists.joined(separator: ", "))]
      \(front)
      ---

      What the release says.

      """
    let file = fixture.workspace.releasesDirectory.appendingPathComponent("\(slug).md")
    try Data(text.utf8).write(to: file)
    let plan = try fixture.mailroom.plan(CampaignRequest(release: file.path), now: fixture.clock.now)
    let result = try await fixture.mailroom.send(plan, session: nil)
    fixture.server.archive.refresh()
    return result
  }

  /// Whether the running server shows the release: its page, the index, the feed.
  func shown(_ slug: String, _ title: String, by client: any TestClientProtocol) async throws -> (page: Bool, index: Bool, feed: Bool) {
    let page = try await client.execute(uri: "/releases/\(slug)", method: .get)
    let index = try await client.execute(uri: "/", method: .get)
    let feed = try await client.execute(uri: "/feed.atom", method: .get)
    return (page.status == .ok, index.text.contains(title), feed.text.contains(title))
  }

  @Test func aReleaseSentOnlyToAPrivateListIsNotPublished() async throws {
    let result = try await send("2026-12-02-partners", title: "Internal briefing for partners", lists: ["staff"])
    #expect(result.published == nil && !result.publishing.publishes)
    #expect(result.publishing.explanation == "the list staff is private; add publish: true to the front matter to publish it")
    try await fixture.test { client in
      let shown = try await self.shown("2026-12-02-partners", "Internal briefing for partners", by: client)
      #expect(!shown.page && !shown.index && !shown.feed)
    }
    #expect(try fixture.store.publication("2026-12-02-partners") == nil)
  }

  @Test func aReleaseToAPublicAndAPrivateListIsNotPublished() async throws {
    let result = try await send("2026-12-02-mixed", title: "Mixed audience", lists: ["press-en", "staff"])
    #expect(result.published == nil)
    try await fixture.test { client in
      let shown = try await self.shown("2026-12-02-mixed", "Mixed audience", by: client)
      #expect(!shown.page && !shown.index && !shown.feed)
    }
  }

  @Test func aReleaseSentToPublicListsIsPublished() async throws {
    let result = try await send("2026-12-02-public", title: "Open to everyone", lists: ["press-en"])
    #expect(result.published != nil && result.publishing.explanation == "every list it goes to is public")
    try await fixture.test { client in
      let shown = try await self.shown("2026-12-02-public", "Open to everyone", by: client)
      #expect(shown.page && shown.index && shown.feed)
    }
  }

  @Test func publishTrueOverAPrivateListPublishesIt() async throws {
    let result = try await send("2026-12-02-announced", title: "Announced after all", lists: ["staff"], front: "publish: true")
    #expect(result.published != nil)
    try await fixture.test { client in
      let shown = try await self.shown("2026-12-02-announced", "Announced after all", by: client)
      #expect(shown.page && shown.index && shown.feed)
    }
  }

  @Test func publishFalseKeepsEvenAPublicListsReleaseOut() async throws {
    let result = try await send("2026-12-02-quiet", title: "Quiet one", lists: ["press-en"], front: "publish: false")
    #expect(result.published == nil && result.publishing.explanation == "the release says publish: false")
    try await fixture.test { client in
      let shown = try await self.shown("2026-12-02-quiet", "Quiet one", by: client)
      #expect(!shown.page && !shown.index && !shown.feed)
    }
  }
}
