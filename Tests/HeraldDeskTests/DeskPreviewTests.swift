import Foundation
import HeraldCampaign
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

extension DeskFixture {
  static let sample = "2020-03-31-water-report.md"
  static let hostileName = "<script>alert(1)</script> \u{202E}gnp.exe"
  static let hostileOrganization = "<img src=x onerror=alert(2)> Evil \u{2066}Corp"

  /// A workspace whose messages are signed (an RSA key, herald.yml's dkim:), whose
  /// sample release's list exists with a subscriber of hostile name and organisation, and a
  /// release with a remote image and an embargo.
  static func previewing(signed: Bool = true) throws -> DeskFixture {
    try DeskFixture { workspace in
      if signed {
        let configuration = try workspace.configuration()
        try workspace.makeDKIMKey(.rsa, at: workspace.dkimKeyFile(selector: "herald", configuration: configuration))
        let yml = workspace.root.appendingPathComponent("herald.yml")
        try (String(contentsOf: yml, encoding: .utf8) + "\ndkim:\n  - selector: herald\n    key: .herald/dkim/herald.pem\n")
          .write(to: yml, atomically: true, encoding: .utf8)
      }
      let store = try workspace.openStore()
      try store.createList(name: "press-en", language: "en")
      try store.addSubscriber(
        email: "hostile@example.com", name: hostileName, organization: hostileOrganization, list: "press-en", source: .commandLine("test"))
      try store.addSubscriber(email: "leser@example.com", name: "Lea Leser", language: "ru", list: "press-en", source: .commandLine("test"))
      try """
        ---
        title: "A release with a remote image"
        date: 2026-12-01
        subject: "Remote \\u202Eimage"
        lists: [press-en]
        language: en
        embargo: 2030-01-01T09:00:00+01:00
        ---

        Hello {{subscriber.name}} of {{subscriber.organization}}.

        ![A pixel from elsewhere](https://remote.example.com/pixel.png)
        """.write(to: workspace.releasesDirectory.appendingPathComponent(remoteRelease), atomically: true, encoding: .utf8)
    }
  }

  static let remoteRelease = "2026-12-01-remote.md"
}

/// Every src and srcset of a document, and the href of every <link>: what a browser loads.
func loadedAddresses(_ html: String) -> [String] {
  let sources = html.matches(of: /(?i)\s(?:src|srcset)\s*=\s*"([^"]*)"/).map { String($0.1) }
  let links = html.matches(of: /(?i)<link\b[^>]*\bhref\s*=\s*"([^"]*)"/).map { String($0.1) }
  return sources + links
}

@Suite(.serialized)
struct DeskPreviewTests {
  static let routes = [
    "/releases/\(DeskFixture.sample)/preview",
    "/releases/\(DeskFixture.sample)/preview?as=hostile%40example.com&list=press-en&language=en",
    "/releases/\(DeskFixture.sample)/preview/message.html",
    "/releases/\(DeskFixture.sample)/preview/message.html?as=hostile%40example.com",
    "/releases/\(DeskFixture.sample)/preview/page",
    "/releases/\(DeskFixture.sample)/preview/page?language=ru",
  ]

  @Test(arguments: DeskRole.allCases)
  func everyRoleMayPreview(role: DeskRole) async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("\(role)@example.org")
      for route in Self.routes {
        let response = try await client.execute(uri: route, method: .get, headers: browser.headers())
        #expect(response.status == .ok, "\(role) \(route): \(response.text.prefix(300))")
      }
    }
  }

  @Test func withoutASessionEveryPreviewRouteRedirectsToSignIn() async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      for route in Self.routes {
        let response = try await client.execute(uri: route, method: .get)
        #expect(response.status == .seeOther, "\(route)")
        #expect(response.headers[.location] == "/sign-in")
      }
    }
  }

  @Test func theFramesHaveTheirOwnPolicyAndThePageFramesThemSandboxed() async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: Self.routes[0], method: .get, headers: browser.headers())
      // The desk's page itself may not be framed.
      let deskPolicy = try #require(page.headers[HTTPField.Name("Content-Security-Policy")!])
      #expect(deskPolicy.contains("frame-ancestors 'none'"))
      let frames = page.text.matches(of: /<iframe\b([^>]*)>/).map { String($0.1) }
      #expect(frames.count == 2)
      for frame in frames {
        #expect(frame.contains(" sandbox "))
        #expect(!frame.contains("allow-scripts") && !frame.contains("allow-same-origin"))
      }
      #expect(page.text.contains("src=\"/releases/\(DeskFixture.sample)/preview/message.html?as=viewer%40example.org\""))
      for route in [Self.routes[2], Self.routes[4]] {
        let response = try await client.execute(uri: route, method: .get, headers: browser.headers())
        let policy = try #require(response.headers[HTTPField.Name("Content-Security-Policy")!])
        let directives = Set(policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
        for directive in ["default-src 'none'", "style-src 'unsafe-inline'", "frame-ancestors 'self'", "sandbox"] {
          #expect(directives.contains(directive), "\(route): \(policy)")
        }
        #expect(!policy.contains("script-src"))
        #expect(!policy.contains("frame-ancestors 'none'"))
        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
        #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
      }
    }
  }

  @Test(arguments: [DeskFixture.sample, DeskFixture.remoteRelease])
  func theFramesHoldNoScriptAndLoadNothingRemote(_ release: String) async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      for route in ["/releases/\(release)/preview/message.html?as=hostile%40example.com", "/releases/\(release)/preview/page"] {
        let response = try await client.execute(uri: route, method: .get, headers: browser.headers())
        #expect(response.status == .ok, "\(route): \(response.text.prefix(300))")
        let html = response.text
        #expect(!html.lowercased().contains("<script"), "\(route)")
        #expect(!html.contains("remote.example.com"), "\(route) still refers to the remote image")
        let loaded = loadedAddresses(html)
        #expect(!loaded.isEmpty || release == DeskFixture.remoteRelease, "\(route) shows no image")
        for address in loaded {
          #expect(address.hasPrefix("data:") || address.hasPrefix("cid:") || (address.hasPrefix("/") && !address.hasPrefix("//")), "\(route) loads \(address)")
        }
      }
    }
  }

  @Test func theSamplesPhotoIsShownFromItsOwnBytes() async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let html = try await client.execute(uri: Self.routes[2], method: .get, headers: browser.headers()).text
      #expect(loadedAddresses(html).contains { $0.hasPrefix("data:image/jpeg;base64,") })
      let page = try await client.execute(uri: Self.routes[4], method: .get, headers: browser.headers()).text
      #expect(loadedAddresses(page).contains { $0.hasPrefix("data:image/jpeg;base64,") })
    }
  }

  @Test func aHostileSubscriberIsEscapedInTheHeadersAndTheMessage() async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let uri = "/releases/\(DeskFixture.remoteRelease)/preview?as=hostile%40example.com"
      let page = try await client.execute(uri: uri, method: .get, headers: browser.headers()).text
      #expect(!page.contains("<script>alert"))
      #expect(!page.contains("<img src=x"))
      #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
      // Bidirectional controls (the subject has one) are written out, not obeyed.
      #expect(!page.contains("\u{202E}") && !page.contains("\u{2066}"))
      #expect(page.contains("⟨U+202E⟩"))
      let message = try await client.execute(
        uri: "/releases/\(DeskFixture.remoteRelease)/preview/message.html?as=hostile%40example.com", method: .get, headers: browser.headers()
      ).text
      #expect(!message.contains("<script>alert"))
      #expect(!message.contains("<img src=x"))
      #expect(message.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
  }

  @Test func theSignatureIsVerifiedWithTheWorkspacesOwnKey() async throws {
    let fixture = try DeskFixture.previewing(signed: true)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: Self.routes[1], method: .get, headers: browser.headers()).text
      #expect(page.contains("<strong>Signed and verified</strong>: d=example.org s=herald (rsa-sha256)"), "\(page)")
      #expect(!page.contains("Does not verify"))
    }
    // The message the desk verified, signed now (dkimpy refuses a t= in its future, and the
    // fixture's clock is), verifies for dkimpy too.
    let file = fixture.workspace.releasesDirectory.appendingPathComponent(DeskFixture.sample).path
    let preview = try fixture.mailroom.preview(file, to: Mailbox(address: "hostile@example.com"), stamp: .now())
    #expect(try DKIMVerifier(signers: preview.signers).verify(preview.bytes).map(\.verified) == [true])
    let record = try #require(preview.signers.first.map { DKIMRecord(signer: $0).value })
    #expect(try PythonOracle.verifyDKIM(message: preview.bytes, txtRecord: record).valid)
  }

  @Test func anUnsignedWorkspaceSaysHowToSign() async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: Self.routes[0], method: .get, headers: browser.headers()).text
      #expect(page.contains("Not signed: herald dkim keygen makes a key."))
    }
  }

  @Test func aSubscriberGetsTheirLanguageAndAStrangerIsSaidToBeOne() async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let reader = try await client.execute(
        uri: "/releases/\(DeskFixture.sample)/preview?as=leser%40example.com", method: .get, headers: browser.headers()).text
      #expect(reader.contains("<dd>Русский (ru)</dd>"), "\(reader)")
      #expect(!reader.contains("is not a subscriber"))
      let stranger = try await client.execute(
        uri: "/releases/\(DeskFixture.sample)/preview?as=someone%2Btag%40example.com", method: .get, headers: browser.headers()).text
      #expect(stranger.contains("This address is not a subscriber"))
      #expect(stranger.contains("someone+tag@example.com"))
      #expect(stranger.contains("<dd>English (en)</dd>"))
    }
  }

  @Test func badChoicesAreShownBesideTheirFields() async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(
        uri: "/releases/\(DeskFixture.sample)/preview?as=not+an+address&list=nope&language=xx", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      let text = page.text
      for field in ["as", "list", "language"] {
        #expect(text.contains("<span class=\"error\" id=\"\(field)-error\">"), "\(field)")
      }
      #expect(text.contains("aria-describedby=\"as-hint as-error\""))
      #expect(text.contains("value=\"not an address\""))
      #expect(!text.contains("<iframe"))
    }
  }

  @Test func theArchivePageIsShownUnderEmbargoMarkedAsNotPublished() async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let page = try await client.execute(
        uri: "/releases/\(DeskFixture.remoteRelease)/preview/page", method: .get, headers: browser.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("Preview — not published"))
      #expect(page.text.contains("<h1>A release with a remote image</h1>"))
      // The site's stylesheet is in the page: nothing to load.
      #expect(page.text.contains("<style>"))
    }
    // Nothing was published.
    #expect(try fixture.mailroom.store.publications().isEmpty)
  }
}

/// The preview's frames in Chromium at a phone's width: each document as the desk serves it,
/// rendered from a file (the headless browser has no session); the screenshot is kept.
@Suite(.serialized)
struct DeskPreviewBrowserTests {
  @Test func theFramesRenderInChromiumAtPhoneWidth() async throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium on PATH or in /usr/bin: run scripts/bootstrap")
    let fixture = try DeskFixture.previewing(signed: true)
    try await fixture.test { client in
      let signedIn = try await client.signIn("viewer@example.org")
      try FileManager.default.createDirectory(at: HeadlessBrowser.artifactsDirectory, withIntermediateDirectories: true)
      for (route, name) in [(DeskPreviewTests.routes[2], "message"), (DeskPreviewTests.routes[4], "page")] {
        let document = try await client.execute(uri: route, method: .get, headers: signedIn.headers()).text
        let file = HeadlessBrowser.artifactsDirectory.appendingPathComponent("desk-preview-\(name).html")
        try document.write(to: file, atomically: true, encoding: .utf8)
        let dom = try await DeskBrowserTests.detached { try browser.dumpDOM(file.absoluteString) }
        #expect(dom.contains("Cities lose a third of their drinking water"))
        let shot = HeadlessBrowser.artifactsDirectory.appendingPathComponent("desk-preview-\(name)-390x844.png")
        try await DeskBrowserTests.detached { try browser.screenshot(file.absoluteString, width: 390, height: 844, to: shot) }
        #expect(try Data(contentsOf: shot).count > 2000)
      }
    }
  }
}

/// The frame's document, as pure text in and out.
struct PreviewFrameTests {
  static let photo: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-frame-\(UUID().uuidString).png")
    try? Data([0x89, 0x50, 0x4E, 0x47]).write(to: url)
    return url
  }()

  static func document(_ html: String, stylesheet: String? = nil, banner: String? = nil) -> String {
    PreviewFrame.document(
      html, addresses: ["https://news.example.org/releases/x/files/abc/photo.png": "/releases/x.md/preview/files/abc/photo.png"],
      files: ["/releases/x.md/preview/files/abc/photo.png": (photo, "image/png", 4)], stylesheet: stylesheet, banner: banner)
  }

  @Test func aReleaseImageBecomesItsOwnBytes() {
    let html = Self.document(#"<p><img src="https://news.example.org/releases/x/files/abc/photo.png" alt="A photo"></p>"#)
    #expect(html == #"<p><img src="data:image/png;base64,iVBORw==" alt="A photo"></p>"#)
  }

  @Test(arguments: [
    #"<img src="https://tracker.example.com/p.gif">"#, #"<img src='https://tracker.example.com/p.gif'>"#,
    #"<img src=https://tracker.example.com/p.gif>"#, #"<img SRC = "//tracker.example.com/p.gif">"#,
    #"<table background="https://tracker.example.com/bg.png">"#,
  ])
  func anyOtherImageIsEmptyAndNothingRemoteIsLeft(_ html: String) {
    let framed = Self.document(html)
    #expect(!framed.contains("tracker.example.com"), "\(framed)")
    #expect(framed.contains(#"="data:,""#), "\(framed)")
  }

  @Test func sourceSetsAreDroppedAndLinksKeptAsLinks() {
    let framed = Self.document(#"<img srcset="https://tracker.example.com/a.png 2x" alt=""><a href="https://example.org/more">More</a>"#)
    #expect(!framed.contains("tracker.example.com"))
    #expect(framed.contains(#"<a href="https://example.org/more">More</a>"#))
  }

  @Test func theStylesheetIsPutInPlaceAndOtherLinksGo() {
    let framed = Self.document(
      #"<html><head><link rel="stylesheet" href="/style.css"><link rel="alternate" href="https://news.example.org/feed.xml"></head><body class="x"><p>Text</p></body></html>"#,
      stylesheet: "body { color: #111 } </style><script>", banner: "Preview <not> published")
    #expect(framed.contains("<style>\nbody { color: #111 } <\\/style><script>\n</style>"))
    #expect(!framed.contains("<link"))
    #expect(framed.contains(#"<body class="x"><p role="note""#))
    #expect(framed.contains("Preview &lt;not&gt; published</p><p>Text</p>"))
  }
}

extension DeskPreviewTests {
  @Test func theReleasesFilesAreServedToSignedInPeopleOnly() async throws {
    let fixture = try DeskFixture.previewing(signed: false)
    try await fixture.test { client in
      let browser = try await client.signIn("viewer@example.org")
      let message = try await client.execute(uri: Self.routes[2], method: .get, headers: browser.headers()).text
      // The press kit's report, linked from the message at the desk's address.
      let link = try #require(message.firstMatch(of: /href="(\/releases\/[^"]+\/preview\/files\/[0-9a-f]{64}\/counting-the-drops\.pdf)"/)).1
      let file = try await client.execute(uri: String(link), method: .get, headers: browser.headers())
      #expect(file.status == .ok)
      #expect(file.headers[.contentType] == "application/pdf")
      #expect(file.body.readableBytes == 680)
      let anonymous = try await client.execute(uri: String(link), method: .get)
      #expect(anonymous.status == .seeOther)
      let unknown = try await client.execute(
        uri: "/releases/\(DeskFixture.sample)/preview/files/\(String(repeating: "0", count: 64))/counting-the-drops.pdf", method: .get,
        headers: browser.headers())
      #expect(unknown.status == .notFound)
    }
  }
}
