import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

/// The subscribers and lists pages: search, a subscriber's record, the changes each role may
/// make (and the refusals that change nothing), forgetting, the lists and their export.
struct DeskSubscribersTests {
  /// A desk whose store holds a list and three subscribers (Anne Durand of Le Monde first).
  static func fixture() throws -> (DeskFixture, SubscriberID) {
    let fixture = try DeskFixture()
    let store = fixture.mailroom.store
    try store.createList(name: "press-test", title: "Press (test)")
    let (anne, _) = try store.addSubscriber(
      email: "anne.durand@example.com", name: "Anne Durand", organization: "Le Monde", list: "press-test", source: .commandLine("test"))
    try store.addSubscriber(email: "hans@example.org", name: "Hans Schmidt", organization: "Der Spiegel", list: "press-test", source: .commandLine("test"))
    try store.addSubscriber(email: "olga@news.test", name: "Olga Petrova", list: "press-test", source: .commandLine("test"))
    return (fixture, anne.id)
  }

  /// What a refused request must leave as it was: every subscriber, membership and suppression.
  static func state(_ fixture: DeskFixture) throws -> [String] {
    let store = fixture.mailroom.store
    let found = try store.searchSubscribers("", limit: 1000).results
    let suppressions = try store.suppressions()
    return found.map { "\($0.email) \($0.name ?? "") \($0.memberships.map { "\($0.list)=\($0.status)" })" }
      + suppressions.suppressions.map { "\($0.kind) \($0.value)" } + ["hashed \(suppressions.hashed)"]
  }

  static func routes(_ id: SubscriberID) -> [DeskRouteCase] {
    let n = id.rawValue
    return [
      DeskRouteCase(method: .get, path: "/subscribers", role: .viewer),
      DeskRouteCase(method: .get, path: "/subscribers?q=durand", role: .viewer),
      DeskRouteCase(method: .get, path: "/subscribers/\(n)", role: .viewer),
      DeskRouteCase(method: .get, path: "/suppressions", role: .viewer),
      DeskRouteCase(method: .get, path: "/lists", role: .viewer),
      DeskRouteCase(method: .get, path: "/subscribers/new", role: .editor),
      DeskRouteCase(method: .get, path: "/lists/press-test/export.csv", role: .editor),
      DeskRouteCase(
        method: .post, path: "/subscribers/new", role: .editor,
        fields: [("email", "new@example.org"), ("list", "press-test"), ("status", "subscribed"), ("note", "asked by phone")]),
      DeskRouteCase(method: .get, path: "/subscribers/\(n)/edit", role: .editor),
      DeskRouteCase(method: .post, path: "/subscribers/\(n)/edit", role: .editor, fields: [("name", "Anne Durand-Martin"), ("organization", "Le Monde")]),
      DeskRouteCase(method: .post, path: "/subscribers/\(n)/unsubscribe", role: .editor, fields: [("list", "")]),
      DeskRouteCase(method: .post, path: "/subscribers/\(n)/suppress", role: .editor, fields: [("scope", "address"), ("reason", "asked")]),
      DeskRouteCase(method: .post, path: "/suppressions", role: .editor, fields: [("target", "@example.net"), ("reason", "asked"), ("action", "add")]),
      DeskRouteCase(method: .get, path: "/subscribers/\(n)/forget", role: .admin),
      DeskRouteCase(method: .post, path: "/subscribers/\(n)/forget", role: .admin, fields: [("confirm", "anne.durand@example.com")]),
    ]
  }

  @Test(arguments: DeskRole.allCases)
  func everyRouteAnswersEachRoleAsItsRoleAllowsAndARefusalChangesNothing(role: DeskRole) async throws {
    let (_, sample) = try Self.fixture()
    for route in Self.routes(sample) {
      let (fixture, _) = try Self.fixture()
      let before = try Self.state(fixture)
      let response = try await fixture.test { client in
        let browser = try await client.signIn("\(role)@example.org")
        if route.method == .get {
          return try await client.execute(uri: route.path, method: .get, headers: browser.headers())
        }
        return try await client.post(route.path, browser, route.fields)
      }
      if role.allows(route.role) {
        #expect([.ok, .seeOther].contains(response.status), "\(role) \(route.testDescription): \(response.status) \(response.text.prefix(300))")
      } else {
        #expect(response.status == .forbidden, "\(role) \(route.testDescription): \(response.status)")
      }
      if !role.allows(route.role) || route.method == .get {
        #expect(try Self.state(fixture) == before, "\(role) \(route.testDescription) changed the store")
      } else {
        #expect(try Self.state(fixture) != before, "\(role) \(route.testDescription) changed nothing")
      }
      #expect(response.headers[.cacheControl] == "no-store", "\(route.testDescription)")
    }
  }

  @Test func aFormWithoutTheSessionsTokenIsRefusedAndChangesNothing() async throws {
    let (fixture, anne) = try Self.fixture()
    let before = try Self.state(fixture)
    try await fixture.test { client in
      let browser = try await client.signIn("admin@example.org")
      for (path, fields) in [
        ("/subscribers/\(anne.rawValue)/unsubscribe", [("list", "")]),
        ("/subscribers/\(anne.rawValue)/forget", [("confirm", "anne.durand@example.com")]),
        ("/suppressions", [("target", "@example.net"), ("reason", "x")]),
      ] {
        let response = try await client.post(path, browser, fields, csrf: "not-the-token")
        #expect(response.status == .forbidden, "\(path)")
      }
    }
    #expect(try Self.state(fixture) == before)
  }

  @Test(arguments: [("durand", "anne.durand@example.com"), ("le monde", "anne.durand@example.com"), ("SPIEGEL", "hans@example.org"),
    ("@news.test", "olga@news.test"), ("ol", "olga@news.test")])
  func searchFindsByPartOfAddressNameOrOrganisation(term: String, expected: String) async throws {
    let (fixture, _) = try Self.fixture()
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let uri = DeskPage.subscribers(search: term).path
      let response = try await client.execute(uri: uri, method: .get, headers: browser.headers())
      #expect(response.status == .ok)
      let links = response.text.matches(of: /<h2><a href="\/subscribers\/\d+">([^<]+)<\/a><\/h2>/).map { String($0.1) }
      #expect(links == [expected], "\(term): \(links)")
    }
  }

  @Test(arguments: ["%", "_", "\"", "\"\"", "durand\" OR \"hans", "NEAR(a b)", "d*", "^durand", "a\u{202E}b", "'; DROP TABLE subscriber; --",
    String(repeating: "x%_\"", count: 100)])
  func hostileSearchTextIsOnlyText(term: String) async throws {
    let (fixture, _) = try Self.fixture()
    let before = try Self.state(fixture)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let response = try await client.execute(uri: DeskPage.subscribers(search: term).path, method: .get, headers: browser.headers())
      #expect(response.status == .ok, "\(term)")
      // Nobody's address, name or organisation holds these characters: nothing is found,
      // and the text comes back escaped in the search field.
      #expect(!response.text.contains("<h2><a href=\"/subscribers/"), "\(term)")
      #expect(!response.text.contains("\u{202E}"))
    }
    #expect(try Self.state(fixture) == before)
  }

  @Test func searchTextOfTenKilobytesIsRefusedAsTooLong() async throws {
    let (fixture, _) = try Self.fixture()
    let before = try Self.state(fixture)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let long = try await client.execute(
        uri: DeskPage.subscribers(search: String(repeating: "durand", count: 1_700)).path, method: .get, headers: browser.headers())
      #expect(long.status == .uriTooLong)
      #expect(long.text.contains("too long"))
      let after = try await client.execute(uri: "/subscribers?q=durand", method: .get, headers: browser.headers())
      #expect(after.status == .ok)
    }
    // 10 KB of accented letters is 30 KB percent-encoded: more than a request's head may
    // hold, refused (and the connection closed) before the desk sees it.
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let longer = try await client.execute(
        uri: DeskPage.subscribers(search: String(repeating: "é", count: 5_000)).path, method: .get, headers: browser.headers())
      #expect([.uriTooLong, .badRequest].contains(longer.status))
    }
    #expect(try Self.state(fixture) == before)
  }

  @Test func searchPagesFiftyAtATimeNewestFirst() async throws {
    let (fixture, _) = try Self.fixture()
    for i in 0..<60 {
      try fixture.mailroom.store.addSubscriber(email: "paged\(i)@example.org", name: "Paged Person", list: "press-test", source: .commandLine("test"))
    }
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let first = try await client.execute(uri: "/subscribers?q=paged", method: .get, headers: browser.headers())
      let firstLinks = first.text.matches(of: /<h2><a href="\/subscribers\/\d+">([^<]+)<\/a><\/h2>/).map { String($0.1) }
      #expect(firstLinks.count == 50)
      #expect(firstLinks.first == "paged59@example.org")
      let next = try #require(first.text.firstMatch(of: /<a href="(\/subscribers\?q=paged&amp;before=\d+)">/))
      let second = try await client.execute(
        uri: String(next.1).replacingOccurrences(of: "&amp;", with: "&"), method: .get, headers: browser.headers())
      let secondLinks = second.text.matches(of: /<h2><a href="\/subscribers\/\d+">([^<]+)<\/a><\/h2>/).map { String($0.1) }
      #expect(secondLinks.count == 10)
      #expect(secondLinks.last == "paged0@example.org")
      #expect(Set(firstLinks).isDisjoint(with: secondLinks))
    }
  }

  @Test func aSubscribersPageShowsMembershipsHistoryAndDeliveries() async throws {
    let (fixture, anne) = try Self.fixture()
    let store = fixture.mailroom.store
    try store.unsubscribe(email: "anne.durand@example.com", list: "press-test", source: .commandLine("herald subscribers unsubscribe"))
    let campaign = CampaignID(release: "water-report", started: Date(timeIntervalSince1970: 1_800_000_000))
    try store.recordDeliveries([
      .init(subscriber: anne, campaign: campaign, list: "press-test", outcome: .sent, reply: "250 2.0.0 Ok: queued as 4ABC")
    ])
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: "/subscribers/\(anne.rawValue)", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.headers[.cacheControl] == "no-store")
      #expect(page.text.contains("Anne Durand") && page.text.contains("Le Monde"))
      #expect(page.text.contains("Unsubscribed"))
      #expect(page.text.contains("herald subscribers unsubscribe"))
      #expect(page.text.contains("250 2.0.0 Ok: queued as 4ABC"))
      // A viewer sees no forms that change anything.
      #expect(!page.text.contains("/unsubscribe\""))
      let missing = try await client.execute(uri: "/subscribers/999999", method: .get, headers: browser.headers())
      #expect(missing.status == .notFound)
    }
  }

  @Test func anEditorsUnsubscribeIsRecordedWithTheirName() async throws {
    let (fixture, anne) = try Self.fixture()
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let response = try await client.post("/subscribers/\(anne.rawValue)/unsubscribe", browser, [("list", "press-test")])
      #expect(response.status == .ok)
      #expect(response.text.contains("Unsubscribed from press-test"))
    }
    let profile = try fixture.mailroom.store.profile(email: "anne.durand@example.com")
    #expect(profile.memberships.first?.status == .unsubscribed)
    #expect(profile.memberships.first?.source == .desk(user: "editor@example.org"))
  }

  @Test func anEditorChangesTheDetailsAndTheSearchFindsTheNewOnesOnly() async throws {
    let (fixture, anne) = try Self.fixture()
    try await fixture.test { client in
      let editor = try await client.signIn("editor@example.org")
      let long = try await client.post("/subscribers/\(anne.rawValue)/edit", editor, [("name", String(repeating: "n", count: 201))])
      #expect(long.status == .unprocessableContent)
      #expect(long.text.contains("id=\"name-error\""))
      let saved = try await client.post(
        "/subscribers/\(anne.rawValue)/edit", editor, [("name", "Anne\u{202E} Lambert"), ("organization", "Libération"), ("language", "fr")])
      #expect(saved.status == .seeOther)
      func found(_ term: String) async throws -> [String] {
        let page = try await client.execute(uri: DeskPage.subscribers(search: term).path, method: .get, headers: editor.headers())
        return page.text.matches(of: /<h2><a href="\/subscribers\/\d+">([^<]+)<\/a><\/h2>/).map { String($0.1) }
      }
      #expect(try await found("lambert") == ["anne.durand@example.com"])
      #expect(try await found("libération") == ["anne.durand@example.com"])
      #expect(try await found("le monde") == [])
      #expect(try await found("durand") == ["anne.durand@example.com"])  // the address is unchanged
    }
    let subscriber = try fixture.mailroom.store.profile(email: "anne.durand@example.com").subscriber
    #expect(subscriber.name == "Anne Lambert" && subscriber.organization == "Libération" && subscriber.language == "fr")
  }

  @Test func addingASubscriberShowsErrorsBesideTheirFieldsAndRecordsTheDeskUser() async throws {
    let (fixture, _) = try Self.fixture()
    try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let bad = try await client.post(
        "/subscribers/new", browser, [("email", "not an address"), ("list", "press-test"), ("status", "subscribed"), ("note", "")])
      #expect(bad.status == .unprocessableContent)
      #expect(bad.text.contains("id=\"note-error\""))
      let badAddress = try await client.post(
        "/subscribers/new", browser, [("email", "not an address"), ("list", "press-test"), ("status", "subscribed"), ("note", "phone")])
      #expect(badAddress.status == .unprocessableContent)
      #expect(badAddress.text.contains("id=\"email-error\""))
      let good = try await client.post(
        "/subscribers/new", browser,
        [("email", "marie@example.org"), ("name", "Marie\u{202E} Curie"), ("list", "press-test"), ("status", "pending"), ("note", "met at the fair")])
      #expect(good.status == .seeOther)
    }
    let profile = try fixture.mailroom.store.profile(email: "marie@example.org")
    #expect(profile.subscriber.name == "Marie Curie")
    #expect(profile.memberships.first?.status == .pending)
    #expect(profile.memberships.first?.source == .desk(user: "editor@example.org", note: "met at the fair"))
  }

  @Test func forgetIsRefusedToEditorsAndDoneForAdministratorsAfterTheAddressIsTyped() async throws {
    let (fixture, anne) = try Self.fixture()
    let before = try Self.state(fixture)
    let path = "/subscribers/\(anne.rawValue)/forget"
    try await fixture.test { client in
      for role in [DeskRole.editor, .sender] {
        let browser = try await client.signIn("\(role)@example.org")
        #expect(try await client.execute(uri: path, method: .get, headers: browser.headers()).status == .forbidden)
        #expect(try await client.post(path, browser, [("confirm", "anne.durand@example.com")]).status == .forbidden)
      }
      let admin = try await client.signIn("admin@example.org")
      let confirm = try await client.execute(uri: path, method: .get, headers: admin.headers())
      #expect(confirm.status == .ok && confirm.text.contains("id=\"confirm\""))
      let wrong = try await client.post(path, admin, [("confirm", "hans@example.org")])
      #expect(wrong.status == .unprocessableContent)
      #expect(wrong.text.contains("id=\"confirm-error\""))
      #expect(try Self.state(fixture) == before)
      let done = try await client.post(path, admin, [("confirm", "Anne.Durand@example.com")])
      #expect(done.status == .ok)
      let gone = try await client.execute(uri: "/subscribers/\(anne.rawValue)", method: .get, headers: admin.headers())
      #expect(gone.status == .notFound)
      let search = try await client.execute(uri: "/subscribers?q=durand", method: .get, headers: admin.headers())
      #expect(!search.text.contains("anne.durand"))
    }
    let store = fixture.mailroom.store
    #expect(try store.subscriberID(email: "anne.durand@example.com") == nil)
    #expect(try store.suppressions().hashed == 1)
    // The hash stops the address from coming back by an add or an import.
    #expect(throws: StoreError.self) {
      try store.addSubscriber(email: "anne.durand@example.com", list: "press-test", source: .commandLine("test"))
    }
  }

  @Test func theListsPageCountsMembersAndTheExportIsAnAttachment() async throws {
    let (fixture, _) = try Self.fixture()
    try await fixture.test { client in
      let viewer = try await client.signIn("viewer@example.org")
      let lists = try await client.execute(uri: "/lists", method: .get, headers: viewer.headers())
      #expect(lists.status == .ok)
      #expect(lists.text.contains("Press (test)"))
      #expect(!lists.text.contains("/lists/press-test/export.csv"))
      let editor = try await client.signIn("editor@example.org")
      let export = try await client.execute(uri: "/lists/press-test/export.csv", method: .get, headers: editor.headers())
      #expect(export.status == .ok)
      #expect(export.headers[.contentDisposition] == "attachment; filename=\"press-test.csv\"")
      #expect(export.text.contains("anne.durand@example.com") && export.text.contains("olga@news.test"))
      let missing = try await client.execute(uri: "/lists/nothing/export.csv", method: .get, headers: editor.headers())
      #expect(missing.status == .notFound)
    }
  }

  @Test func anEditorSuppressesADomainAndLiftsIt() async throws {
    let (fixture, _) = try Self.fixture()
    try await fixture.test { client in
      let editor = try await client.signIn("editor@example.org")
      let missingReason = try await client.post("/suppressions", editor, [("target", "@example.net"), ("reason", ""), ("action", "add")])
      #expect(missingReason.status == .unprocessableContent)
      #expect(missingReason.text.contains("id=\"reason-error\""))
      let added = try await client.post("/suppressions", editor, [("target", "@example.net"), ("reason", "asked"), ("action", "add")])
      #expect(added.status == .seeOther)
      #expect(try fixture.mailroom.store.suppressions().suppressions.map(\.value) == ["example.net"])
      let lifted = try await client.post("/suppressions", editor, [("target", "@example.net"), ("action", "lift")])
      #expect(lifted.status == .ok)
      #expect(try fixture.mailroom.store.suppressions().suppressions.isEmpty)
    }
  }
}
