import Foundation
import HeraldCampaign
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldWeb

/// The archive of a release in several languages: the sample release (English) and its
/// Russian translation, each at its own address with hreflang alternates and a language
/// switch; the index in the visitor's language; a feed per language.
struct TranslatedArchiveTests {
  let fixture: WebFixture
  init() throws { fixture = try WebFixture() }

  static let slug = "2020-03-31-water-report"

  @Test func eachTranslationHasItsPageWithAlternatesAndASwitch() async throws {
    try await fixture.test { client in
      let english = try await client.execute(uri: "/releases/\(Self.slug)", method: .get)
      #expect(english.status == .ok)
      #expect(english.text.contains("<html lang=\"en\">"))
      #expect(english.text.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"https://news.example.org/releases/\(Self.slug)\">"))
      #expect(english.text.contains("<link rel=\"alternate\" hreflang=\"ru\" href=\"https://news.example.org/ru/releases/\(Self.slug)\">"))
      #expect(english.text.contains("<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://news.example.org/releases/\(Self.slug)\">"))
      #expect(english.text.contains("<a href=\"/ru/releases/\(Self.slug)\" hreflang=\"ru\" lang=\"ru\">Русский</a>"))
      #expect(english.text.contains("<strong lang=\"en\" aria-current=\"page\">English</strong>"))

      let russian = try await client.execute(uri: "/ru/releases/\(Self.slug)", method: .get)
      #expect(russian.status == .ok)
      #expect(russian.text.contains("<html lang=\"ru\">"))
      #expect(russian.text.contains("<h1>Города теряют треть питьевой воды из-за утечек — новое исследование</h1>"))
      #expect(russian.text.contains("Пресс-релиз · <time datetime=\"2020-03-31\">31 марта 2020\u{202F}г.</time>"))
      #expect(russian.text.contains(">Пресс-релизы</a>"), "the site's words in the page's language")
      #expect(russian.text.contains("<a href=\"/releases/\(Self.slug)\" hreflang=\"en\" lang=\"en\">English</a>"))
      #expect(russian.text.contains("href=\"/ru/feed.atom\""))
      // A language the release is not in, and the press kit's address shape, are not pages.
      let german = try await client.execute(uri: "/de/releases/\(Self.slug)", method: .get)
      #expect(german.status == .notFound)
    }
  }

  @Test func theIndexIsInTheVisitorsLanguageWithALinkPerLanguage() async throws {
    try await fixture.test { client in
      let russian = try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "ru-RU,ru;q=0.9,en;q=0.8"])
      #expect(russian.headers[.vary] == "Accept-Language")
      #expect(russian.text.contains("<html lang=\"ru\">"))
      #expect(russian.text.contains("<h1>Пресс-релизы</h1>"))
      #expect(russian.text.contains("<a href=\"/ru/releases/\(Self.slug)\">Города теряют треть"))
      #expect(russian.text.contains("Другие языки: <a href=\"/releases/\(Self.slug)\" hreflang=\"en\" lang=\"en\">English</a>"))
      #expect(!russian.text.contains("Cities lose a third"), "the release once, in Russian")
      // q-values decide, not the order; a language no release is in gives the site's.
      let weighed = try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "ru;q=0.3, en;q=0.9"])
      #expect(weighed.text.contains("<html lang=\"en\">") && weighed.text.contains("Cities lose a third"))
      let german = try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "de-DE"])
      #expect(german.text.contains("<html lang=\"en\">"))
      #expect(german.text.contains("<a href=\"/ru/releases/\(Self.slug)\" hreflang=\"ru\" lang=\"ru\">Русский</a>"))
      let none = try await client.execute(uri: "/", method: .get)
      #expect(none.text.contains("<h1>Press releases</h1>"))
    }
  }

  @Test func acceptLanguageIsReadWithItsWeights() {
    #expect(AcceptLanguage("ru-RU,ru;q=0.9,en;q=0.8").best(of: ["en", "ru"]) == "ru")
    #expect(AcceptLanguage("en;q=0.5, ru;q=0.6").best(of: ["en", "ru"]) == "ru")
    #expect(AcceptLanguage("ru;q=0, en").best(of: ["ru"]) == nil)
    #expect(AcceptLanguage("fr, *;q=0.1").best(of: ["en", "ru"]) == nil)
    #expect(AcceptLanguage(nil).best(of: ["en"]) == nil)
    #expect(AcceptLanguage("garbage;;q=x,,ru").best(of: ["ru", "en"]) == "ru")
  }

  @Test func eachLanguageHasAValidAtomFeed() async throws {
    let feeds = try await fixture.test { client -> [String] in
      var bodies: [String] = []
      for path in ["/ru/feed.atom", "/en/feed.atom", "/feed.atom"] {
        let response = try await client.execute(uri: path, method: .get)
        #expect(response.status == .ok && response.headers[.contentType] == "application/atom+xml; charset=utf-8", "\(path)")
        bodies.append(response.text)
      }
      return bodies
    }
    // Python's XML parser reads each as Atom: the entries' titles and links.
    let script = """
      import sys, xml.etree.ElementTree as ET
      atom = "{http://www.w3.org/2005/Atom}"
      feed = ET.fromstring(sys.stdin.buffer.read())
      assert feed.tag == atom + "feed"
      for entry in feed.findall(atom + "entry"):
          print(entry.find(atom + "title").text + "|" + entry.find(atom + "link").get("href"))
      """
    let russian = String(decoding: try python(script, stdin: Array(feeds[0].utf8)), as: UTF8.self)
    #expect(russian == "Города теряют треть питьевой воды из-за утечек — новое исследование|https://news.example.org/ru/releases/\(Self.slug)\n")
    #expect(feeds[0].contains("xml:lang=\"ru\""))
    let english = String(decoding: try python(script, stdin: Array(feeds[1].utf8)), as: UTF8.self)
    #expect(english == "Cities lose a third of their drinking water to leaks, new study finds|https://news.example.org/releases/\(Self.slug)\n")
    // The site's feed: each release once, in its first language.
    #expect(String(decoding: try python(script, stdin: Array(feeds[2].utf8)), as: UTF8.self) == english)
  }

  @Test func anEmbargoHoldsBackEveryTranslation() async throws {
    // Published again with an embargo an hour from now: neither language shows.
    let later = fixture.clock.now.addingTimeInterval(3600)
    let publications = try fixture.store.publications()
    #expect(publications.count == 2, "the original and its translation")
    for publication in publications {
      var held = publication
      held.visibleFrom = later  // the store keeps the later of the two
      try fixture.store.publish(held)
    }
    try await fixture.test { client in
      fixture.server.archive.refresh()
      let english = try await client.execute(uri: "/releases/\(Self.slug)", method: .get)
      let russian = try await client.execute(uri: "/ru/releases/\(Self.slug)", method: .get)
      #expect(english.status == .notFound && russian.status == .notFound)
      fixture.clock.advance(by: 3601)
      let lifted = try await client.execute(uri: "/ru/releases/\(Self.slug)", method: .get)
      #expect(lifted.status == .ok)
    }
  }

  @Test func theConfirmationOfAGermanListIsInGerman() async throws {
    try await fixture.test { client in
      let fields = [
        ("form_token", fixture.formToken("subscribe")), ("email", "kim@example.net"), ("name", "Kim"), ("consent", "yes"), ("website", ""),
      ]
      let response = try await client.execute(uri: "/subscribe/press-de", method: .post, headers: formHeaders, body: formBody(fields))
      #expect(response.status == .ok)
    }
    let mail = try #require(try fixture.queued().first)
    let parsed = try inspectMessage(mail.bytes)
    #expect(parsed.header("Subject") == ["Bitte bestätigen Sie: Pressemitteilungen"])
    let text = try #require(parsed.parts.first { $0.contentType == "text/plain" }?.content)
    #expect(text.hasPrefix("Bitte bestätigen Sie, dass Sie *Pressemitteilungen* von Institute for\n"), "\(text)")
    #expect(text.contains("an die Adresse kim@example.net erhalten möchten:"), "\(text)")
    #expect(text.contains("Abonnement bestätigen") && text.contains("Der Link ist bis "), "\(text)")
  }

  @Test func aRussianWorkspaceServesItsPagesInRussian() async throws {
    let russian = try WebFixture(web: ["  language: ru"])
    try await russian.test { client in
      let page = try await client.execute(uri: "/subscribe", method: .get)
      #expect(page.text.contains("<html lang=\"ru\">"))
      #expect(page.text.contains("<h1>Подписаться</h1>"))
      #expect(page.text.contains(">Связаться с пресс-службой</a>"))
    }
  }
}

/// The language switch in a real browser: headless Chromium shows it on the English page,
/// and its link leads to the Russian page.
@Suite(.serialized)
struct LanguageSwitchBrowserTests {
  let fixture: WebFixture
  init() throws { fixture = try WebFixture() }

  @Test func theSwitchIsShownAndLeadsToTheTranslation() async throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium: run scripts/bootstrap")
    try await fixture.test { client in
      let base = "http://127.0.0.1:\(try #require(client.port))"
      let english = try await BrowserTests.detached { try browser.dumpDOM(base + "/releases/2020-03-31-water-report") }
      let navigation = try #require(english.range(of: "<nav class=\"languages\"").map { String(english[$0.lowerBound...].prefix(600)) })
      #expect(navigation.contains("English") && navigation.contains("Русский"))
      // The link as the browser built it, followed.
      let link = try #require(navigation.firstMatch(of: /<a href="([^"]+)" hreflang="ru"/)?.1)
      let russian = try await BrowserTests.detached { try browser.dumpDOM(base + String(link)) }
      #expect(russian.contains("<html lang=\"ru\">"))
      #expect(russian.contains("Города теряют треть питьевой воды"))
      #expect(russian.contains("aria-current=\"page\">Русский</strong>"))
      let file = HeadlessBrowser.artifactsDirectory.appendingPathComponent("web-release-ru-desktop.png")
      try await BrowserTests.detached { try browser.screenshot(base + String(link), width: 1280, height: 900, to: file) }
      #expect(((try? Data(contentsOf: file))?.count ?? 0) > 5_000)
    }
  }
}
