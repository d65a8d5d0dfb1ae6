import Crypto
import Foundation
import HeraldCompose
import HeraldCore
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

@testable import HeraldWeb

/// A release's files on the web: served only while the release is visible and only when it
/// lists them, with the headers a download needs (type, disposition, nosniff, a year of
/// caching, ETag, ranges), and its press kit as one ZIP.
struct PressKitTests {
  let fixture: WebFixture
  let log = CapturedLog()
  /// The server under test, logging into `log`.
  let server: WebServer

  init() throws {
    fixture = try WebFixture()
    let log = log
    var logger = Logger(label: "test.presskit") { _ in CapturingLogHandler(log: log) }
    logger.logLevel = .debug
    server = try WebServer(mailroom: fixture.mailroom, logger: logger)
  }

  static let slug = "2026-12-06-director"
  /// A photo small enough to be kept in memory, and a document large enough to be streamed.
  static let photo = KitFile(name: "director.jpg", kind: .image, mediaType: "image/jpeg", bytes: pattern(300_000, seed: 1), width: 1800, height: 1200)
  static let rendition = KitFile(name: "director-1200.jpg", kind: .rendition, mediaType: "image/jpeg", bytes: pattern(90_000, seed: 2), width: 1200, height: 800)
  static let report = KitFile(name: "report.pdf", kind: .document, mediaType: "application/pdf", bytes: pattern(2_100_000, seed: 3))
  static let table = KitFile(name: "figures.csv", kind: .document, mediaType: "text/csv", bytes: Array(String(repeating: "city,loss\nExampletown,31\n", count: 400).utf8))

  /// Runs `body` against the site served on a free port (`.live`), or handed the requests
  /// directly (`.router`: no HTTP client's 20 s deadline, for a test that waits on the
  /// blocking pool while the rest of the suite keeps it busy).
  func test<Value: Sendable>(
    _ setup: TestingSetup = .live, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value
  ) async throws -> Value {
    try await server.application(host: "127.0.0.1", port: 0).test(setup, body)
  }

  @Test func aPhotoIsServedInlineWithItsTypeAndTheHeadersOfContentThatNeverChanges() async throws {
    let files = try publish([Self.photo, Self.report])
    try await test { client in
      let response = try await client.execute(uri: files[0].path(Self.slug), method: .get)
      #expect(response.status == .ok)
      #expect(Array(response.body.readableBytesView) == Self.photo.bytes)
      #expect(response.headers[.contentType] == "image/jpeg")
      #expect(response.headers[.contentDisposition] == "inline; filename=\"director.jpg\"")
      #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
      #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
      #expect(response.headers[.eTag] == "\"\(files[0].file.digest)\"")
      #expect(response.headers[.acceptRanges] == "bytes")
      #expect(response.headers[.contentLength] == "300000")
      for (name, value) in SecurityHeaders.all { #expect(response.headers[HTTPField.Name(name)!] == value) }
    }
  }

  @Test func aDocumentIsAnAttachmentAndANameBeyondASCIIIsGivenExactlyInFilenameStar() async throws {
    let named = KitFile(name: "отчёт 2026.pdf", kind: .document, mediaType: "application/pdf", bytes: pattern(5_000, seed: 9))
    let files = try publish([Self.report, named])
    try await test { client in
      let report = try await client.execute(uri: files[0].path(Self.slug), method: .get)
      #expect(report.status == .ok && report.headers[.contentDisposition] == "attachment; filename=\"report.pdf\"")
      #expect(report.headers[.contentType] == "application/pdf")
      let path = files[1].path(Self.slug)
      #expect(path.hasSuffix("/%D0%BE%D1%82%D1%87%D1%91%D1%82%202026.pdf"), "the address carries the name percent-encoded")
      let response = try await client.execute(uri: path, method: .get)
      #expect(response.status == .ok && Array(response.body.readableBytesView) == named.bytes)
      let disposition = try #require(response.headers[.contentDisposition])
      #expect(disposition == "attachment; filename=\"_____ 2026.pdf\"; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%202026.pdf")
      // Python's email package decodes the extended parameter (RFC 2231/8187), as a browser does.
      let read = try python(
        """
        import sys, email.utils
        from email.message import Message
        m = Message()
        m["Content-Disposition"] = sys.stdin.buffer.read().decode("ascii")
        extended = [v for k, v in m.get_params(header="content-disposition") if k == "filename" and isinstance(v, tuple)]
        sys.stdout.buffer.write(email.utils.collapse_rfc2231_value(extended[0]).encode("utf-8"))
        """, stdin: Array(disposition.utf8))
      #expect(String(decoding: read, as: UTF8.self) == "отчёт 2026.pdf")
    }
  }

  @Test func aRequestWithTheETagIsAnswered304WithoutTheBody() async throws {
    let files = try publish([Self.photo, Self.report])
    try await test { client in
      for file in files {
        let first = try await client.execute(uri: file.path(Self.slug), method: .get)
        let etag = try #require(first.headers[.eTag])
        for header in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
          let again = try await client.execute(uri: file.path(Self.slug), method: .get, headers: [.ifNoneMatch: header])
          #expect(again.status == .notModified, "If-None-Match: \(header)")
          #expect(again.body.readableBytes == 0 && again.headers[.eTag] == etag)
        }
        let other = try await client.execute(uri: file.path(Self.slug), method: .get, headers: [.ifNoneMatch: "\"something-else\""])
        #expect(other.status == .ok)
      }
    }
  }

  /// The photo comes from memory, the 2.1 MB report is streamed from disk: both answer ranges alike.
  @Test(arguments: [0, 1]) func aRangeIsAnsweredWithThatPart(index: Int) async throws {
    let files = try publish([Self.photo, Self.report])
    let bytes = [Self.photo, Self.report][index].bytes
    let size = bytes.count
    try await test { client in
      let path = files[index].path(Self.slug)
      let cases: [(range: String, expected: ClosedRange<Int>)] = [
        ("bytes=0-99", 0...99), ("bytes=-500", (size - 500)...(size - 1)), ("bytes=1000-", 1000...(size - 1)),
        ("bytes=150000-150000", 150_000...150_000), ("bytes=10-\(size * 2)", 10...(size - 1)), ("bytes=-\(size * 3)", 0...(size - 1)),
      ]
      for (range, expected) in cases {
        let response = try await client.execute(uri: path, method: .get, headers: [.range: range])
        #expect(response.status == .partialContent, "\(range)")
        #expect(response.headers[.contentRange] == "bytes \(expected.lowerBound)-\(expected.upperBound)/\(size)", "\(range)")
        #expect(response.headers[.contentLength] == String(expected.count), "\(range)")
        #expect(Array(response.body.readableBytesView) == Array(bytes[expected]), "\(range)")
      }
      let etag = try #require(try await client.execute(uri: path, method: .head).headers[.eTag])
      let current = try await client.execute(uri: path, method: .get, headers: [.range: "bytes=0-9", .ifRange: etag])
      #expect(current.status == .partialContent && Array(current.body.readableBytesView) == Array(bytes[0...9]))
      // The client's copy is another version (or only dated): it gets the whole file.
      for stale in ["\"0123\"", "Sun, 06 Dec 2026 10:00:00 GMT"] {
        let whole = try await client.execute(uri: path, method: .get, headers: [.range: "bytes=0-9", .ifRange: stale])
        #expect(whole.status == .ok && whole.body.readableBytes == size, "If-Range: \(stale)")
      }
      // Several ranges: the whole file (allowed by RFC 9110), as is a header that is not a byte range.
      for header in ["bytes=0-9,20-29", "items=0-9", "bytes=9-2"] {
        let whole = try await client.execute(uri: path, method: .get, headers: [.range: header])
        #expect(whole.status == .ok && Array(whole.body.readableBytesView) == bytes, "Range: \(header)")
      }
    }
  }

  @Test func aRangeBeyondTheEndIs416WithTheSize() async throws {
    let files = try publish([Self.photo, Self.report])
    try await test { client in
      for (file, size) in zip(files, [Self.photo.bytes.count, Self.report.bytes.count]) {
        for range in ["bytes=\(size)-", "bytes=\(size + 10)-\(size + 20)", "bytes=-0", "bytes=99999999999999999999999-"] {
          let response = try await client.execute(uri: file.path(Self.slug), method: .get, headers: [.range: range])
          #expect(response.status == .rangeNotSatisfiable, "\(range)")
          #expect(response.headers[.contentRange] == "bytes */\(size)", "\(range)")
        }
      }
    }
  }

  @Test func headGivesTheHeadersWithoutTheBody() async throws {
    let files = try publish([Self.photo, Self.report])
    try await test { client in
      for (file, kit) in zip(files, [Self.photo, Self.report]) {
        let response = try await client.execute(uri: file.path(Self.slug), method: .head)
        #expect(response.status == .ok && response.body.readableBytes == 0)
        #expect(response.headers[.contentLength] == String(kit.bytes.count))
        #expect(response.headers[.contentType] == kit.mediaType && response.headers[.eTag] == "\"\(file.file.digest)\"")
      }
    }
  }

  @Test func anAddressTheReleaseDoesNotListIsTheSame404AsAnyUnknownPage() async throws {
    let files = try publish([Self.photo, Self.report])
    // Another release with a file of its own, whose bytes are in Media/ too.
    let other = KitFile(name: "other.pdf", kind: .document, mediaType: "application/pdf", bytes: pattern(4_000, seed: 7))
    let others = try publish([other], slug: "2026-12-05-other")
    try await test { client in
      let unknown = try await client.execute(uri: "/no-such-page", method: .get)
      #expect(unknown.status == .notFound)
      let photo = files[0].file
      let addresses = [
        PublicPage.releaseFile(slug: Self.slug, file: others[0].file).path,  // another release's file under this one
        PublicPage.releaseFile(slug: "2026-12-05-other", file: photo).path,  // this file under the other release
        "/releases/\(Self.slug)/files/\(photo.digest)/other-name.jpg",  // the digest under another name
        "/releases/\(Self.slug)/files/\(String(repeating: "0", count: 64))/director.jpg",  // the name with another digest
        "/releases/\(Self.slug)/files/\(String(photo.digest.dropLast()))/director.jpg",
        "/releases/2026-01-01-nothing/files/\(photo.digest)/director.jpg",  // no such release
        "/releases/\(Self.slug)/files/\(photo.digest)/..%2F..%2Fherald.yml",
      ]
      for address in addresses {
        let response = try await client.execute(uri: address, method: .get)
        #expect(response.status == .notFound, "\(address)")
        #expect(response.text == unknown.text, "\(address): the same page")
      }
    }
  }

  @Test func anEmbargoHoldsTheFilesAndTheZIPBackUntilItLifts() async throws {
    let lift = fixture.clock.now.addingTimeInterval(3600)
    let files = try publish([Self.photo, Self.report], visibleFrom: lift)
    try await test { client in
      let addresses = files.map { $0.path(Self.slug) } + [PublicPage.pressKit(slug: Self.slug).path, PublicPage.release(slug: Self.slug).path]
      self.fixture.clock.set(lift.addingTimeInterval(-1))
      for address in addresses {
        let status = try await client.execute(uri: address, method: .get).status
        #expect(status == .notFound, "\(address) before the embargo lifts")
        let headStatus = try await client.execute(uri: address, method: .head).status
        #expect(headStatus == .notFound, "HEAD \(address) before")
      }
      // The clock is moved past the embargo rather than waited for; the server is not restarted.
      self.fixture.clock.set(lift.addingTimeInterval(1))
      for address in addresses {
        let status = try await client.execute(uri: address, method: .get).status
        #expect(status == .ok, "\(address) after the embargo lifts")
      }
    }
  }

  @Test func aFileListedButMissingFromMediaIsLoggedAnd404WithoutSayingWhere() async throws {
    let files = try publish([Self.photo, Self.report], writing: false)
    try await test { client in
      let unknown = try await client.execute(uri: "/no-such-page", method: .get)
      for file in files {
        let response = try await client.execute(uri: file.path(Self.slug), method: .get)
        #expect(response.status == .notFound)
        #expect(response.text == unknown.text, "the plain 404 page: no path, no digest")
      }
      let zip = try await client.execute(uri: PublicPage.pressKit(slug: Self.slug).path, method: .get)
      #expect(zip.status == .notFound && zip.text == unknown.text)
    }
    let lines = log.lines.joined(separator: "\n")
    #expect(lines.contains("error a published file is missing from Media/") && lines.contains("director.jpg of \(Self.slug)"), "\(lines)")
    #expect(lines.contains("the press kit's ZIP could not be made"), "\(lines)")
  }

  @Test func theZIPHoldsEveryListedFileUnderItsNameAndNotTheRenditions() async throws {
    let again = KitFile(name: "director.jpg", kind: .image, mediaType: "image/jpeg", bytes: pattern(20_000, seed: 5))
    let files = try publish([Self.photo, Self.rendition, Self.report, Self.table, again])
    try await test { client in
      let response = try await client.execute(uri: PublicPage.pressKit(slug: Self.slug).path, method: .get)
      #expect(response.status == .ok)
      #expect(response.headers[.contentType] == "application/zip")
      #expect(response.headers[.contentDisposition] == "attachment; filename=\"\(Self.slug)-press-kit.zip\"")
      #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
      let zip = Array(response.body.readableBytesView)
      // Python's zipfile reads it: each member's name, how it is stored, and the SHA-256 of its bytes.
      let listing = try python(
        """
        import sys, zipfile, io, hashlib
        z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
        assert z.testzip() is None
        for info in z.infolist():
            kind = "stored" if info.compress_type == zipfile.ZIP_STORED else "deflated"
            print(info.filename, kind, hashlib.sha256(z.read(info)).hexdigest(), sep="\\t")
        """, stdin: zip)
      let rows = String(decoding: listing, as: UTF8.self).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
      #expect(rows.map { $0[0] } == ["director.jpg", "report.pdf", "figures.csv", "director-2.jpg"])
      #expect(rows.map { $0[1] } == ["stored", "stored", "deflated", "stored"], "photos and PDFs stored as they are, text deflated")
      #expect(rows.map { $0[2] } == [files[0], files[2], files[3], files[4]].map(\.file.digest))
      // Served like a file: ETag, conditional requests, ranges.
      let etag = try #require(response.headers[.eTag])
      let cached = try await client.execute(uri: PublicPage.pressKit(slug: Self.slug).path, method: .get, headers: [.ifNoneMatch: etag])
      #expect(cached.status == .notModified)
      let tail = try await client.execute(uri: PublicPage.pressKit(slug: Self.slug).path, method: .get, headers: [.range: "bytes=-22"])
      #expect(tail.status == .partialContent && Array(tail.body.readableBytesView) == Array(zip.suffix(22)))
    }
  }

  @Test func aZIPRemovedFromMediaIsMadeAgainForConcurrentRequests() async throws {
    let files = try publish([Self.photo, Self.report])
    let kits = fixture.workspace.mediaDirectory.appendingPathComponent("press-kits")
    // The sample release (published by the fixture) has a press kit of its own.
    let name = PressKitArchive(files: files.map(\.file)).digest + ".zip"
    let made = try FileManager.default.contentsOfDirectory(atPath: kits.path).sorted()
    #expect(made.contains(name), "made when the archive was rendered: \(made)")
    let original = try Data(contentsOf: kits.appendingPathComponent(name))
    try FileManager.default.removeItem(at: kits.appendingPathComponent(name))
    // Six requests at once, each waiting for the one ZIP: in the whole suite the blocking
    // pool is shared with every other test, so no HTTP client's deadline is put on the wait.
    try await test(.router) { client in
      let bodies = try await withThrowingTaskGroup(of: [UInt8].self) { group in
        for _ in 0..<6 {
          group.addTask {
            let response = try await client.execute(uri: PublicPage.pressKit(slug: Self.slug).path, method: .get)
            #expect(response.status == .ok)
            return Array(response.body.readableBytesView)
          }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      #expect(bodies.allSatisfy { $0 == Array(original) }, "the same bytes as the first time")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: kits.path).sorted() == made, "the ZIP made once more, no temporary files left")
  }

  @Test func theReleasePageListsThePressKitWithSizesAndLinksThatWork() async throws {
    let captioned = KitFile(
      name: "director.jpg", kind: .image, mediaType: "image/jpeg", bytes: Self.photo.bytes, width: 1800, height: 1200,
      alt: "The new director at her desk", caption: "Dr Jane Example — Photo: Example Studio")
    _ = try publish([captioned, Self.rendition, Self.report, Self.table])
    try await test { client in
      let page = try await client.execute(uri: PublicPage.release(slug: Self.slug).path, method: .get)
      #expect(page.status == .ok)
      let html = page.text
      let start = try #require(html.range(of: "<section class=\"press-kit\""))
      let end = try #require(html.range(of: "</section>", range: start.upperBound..<html.endIndex))
      let section = String(html[start.lowerBound..<end.upperBound])
      #expect(section.contains("<h2 id=\"press-kit-heading\">Press kit</h2>"))
      #expect(section.contains("<span class=\"file-name\">report.pdf</span> <span class=\"file-details\">— PDF, 2.1 MB</span>"))
      #expect(section.contains("<span class=\"file-name\">director.jpg</span> <span class=\"file-details\">— JPEG image, 300 KB</span>"))
      #expect(section.contains("<span class=\"file-name\">figures.csv</span> <span class=\"file-details\">— CSV table, 10 KB</span>"))
      #expect(!section.contains("director-1200.jpg</span>"), "the rendition is not listed")
      #expect(section.contains("<p class=\"caption\">Dr Jane Example — Photo: Example Studio</p>"))
      // The thumbnail is the rendition, with its size at the width shown, so that nothing shifts.
      let rendition = PublicPage.releaseFile(slug: Self.slug, file: Self.rendition.file).path
      #expect(section.contains("<img src=\"\(rendition)\" width=\"160\" height=\"107\" alt=\"The new director at her desk\">"))
      let zip = try await client.execute(uri: PublicPage.pressKit(slug: Self.slug).path, method: .get)
      #expect(section.contains("<a href=\"\(PublicPage.pressKit(slug: Self.slug).path)\">Download everything (ZIP, \(ByteCount.formatted(zip.body.readableBytes)))</a>"))
      // Every address in the section answers.
      let links = section.matches(of: /(?:href|src)="([^"]+)"/).map { String($0.output.1) }
      #expect(links.count == 5, "\(links)")
      for link in links {
        let status = try await client.execute(uri: link, method: .get).status
        #expect(status == .ok, "\(link)")
      }
    }
  }

  @Test func aReleaseWithoutFilesHasNoPressKitSection() async throws {
    _ = try publish([], slug: "2026-12-05-plain")
    try await test { client in
      let page = try await client.execute(uri: "/releases/2026-12-05-plain", method: .get)
      #expect(page.status == .ok && !page.text.contains("press-kit"))
      #expect(try await client.execute(uri: PublicPage.pressKit(slug: "2026-12-05-plain").path, method: .get).status == .notFound, "and no ZIP")
    }
  }

  /// A real photo (a JPEG made by libvips, all magenta) in headless Chromium: the release
  /// page's press kit shows it, decoded and painted, not a broken image.
  @Test func thePhotoOfThePressKitIsDisplayedInABrowser() async throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium: run scripts/bootstrap")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-photo-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try vips(["black", "black.v", "600", "400", "--bands", "3"], in: folder)
    try vips(["linear", "black.v", "magenta.v", "1 1 1", "255 0 255", "--uchar"], in: folder)
    try vips(["jpegsave", "magenta.v", "photo.jpg"], in: folder)
    let jpeg = Array(try Data(contentsOf: folder.appendingPathComponent("photo.jpg")))
    let photo = KitFile(name: "photo.jpg", kind: .image, mediaType: "image/jpeg", bytes: jpeg, width: 600, height: 400, alt: "A magenta square")
    try publish([photo])
    try await test { client in
      let url = "http://127.0.0.1:\(try #require(client.port))\(PublicPage.release(slug: Self.slug).path)"
      let dom = try await BrowserTests.detached { try browser.dumpDOM(url) }
      #expect(dom.contains("<img src=\"\(photo.path(Self.slug))\" width=\"160\" height=\"107\" alt=\"A magenta square\">"))
      let shot = HeadlessBrowser.artifactsDirectory.appendingPathComponent("web-press-kit-desktop.png")
      try await BrowserTests.detached { try browser.screenshot(url, width: 1280, height: 900, to: shot) }
      try await BrowserTests.detached {
        try browser.screenshot(url, width: 390, height: 844, to: HeadlessBrowser.artifactsDirectory.appendingPathComponent("web-press-kit-phone.png"))
      }
      // The screenshot's pixels, read by Python from libvips's PPM: the thumbnail's magenta is there.
      let ppm = folder.appendingPathComponent("shot.ppm")
      try vips(["copy", shot.path, ppm.path], in: folder)
      let counted = try python(
        """
        import sys
        data = open(sys.argv[1] if len(sys.argv) > 1 else "\(ppm.path)", "rb").read()
        fields, position = [], 0
        while len(fields) < 4:
            while data[position:position + 1].isspace(): position += 1
            if data[position:position + 1] == b"#":
                position = data.index(b"\\n", position) + 1
                continue
            end = position
            while not data[end:end + 1].isspace(): end += 1
            fields.append(data[position:end]); position = end
        position += 1
        width, height = int(fields[1]), int(fields[2])
        pixels = data[position:position + width * height * 3]
        print(sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 220 and pixels[i + 1] < 50 and pixels[i + 2] > 220))
        """)
      let magenta = Int(String(decoding: counted, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
      #expect(magenta >= 160 * 107 * 8 / 10, "the thumbnail (160×107) is painted: \(magenta) magenta pixels")
    }
  }

  // MARK: Support

  /// Runs libvips's command-line tool in `folder`.
  func vips(_ arguments: [String], in folder: URL) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/vips")
    process.arguments = arguments
    process.currentDirectoryURL = folder
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "vips \(arguments.joined(separator: " "))")
  }

  /// Publishes a release at `slug` with `files`, their bytes put in Media/ by digest (as
  /// publishing does) unless `writing` is false, and renders the archive again.
  @discardableResult
  func publish(_ files: [KitFile], slug: String = Self.slug, visibleFrom: Date? = nil, writing: Bool = true) throws -> [KitFile] {
    let media = fixture.workspace.mediaDirectory
    if writing {
      for file in files {
        let url = media.appendingPathComponent(file.file.storagePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(file.bytes).write(to: url)
      }
    }
    let when = visibleFrom ?? fixture.clock.now.addingTimeInterval(-60)
    try fixture.store.publish(
      Publication(
        slug: slug, title: "A new director for the institute", subject: "A new director", releaseDate: "2026-12-06", visibleFrom: when,
        publishedAt: fixture.clock.now, html: "<p>The institute has a new director.</p>", text: "The institute has a new director.",
        files: files.map(\.file)))
    server.archive.refresh()
    return files
  }
}

/// A file of a test's press kit: its bytes and how it is published.
struct KitFile: Sendable {
  let bytes: [UInt8]
  let file: PressKitFile

  init(
    name: String, kind: PressKitFile.Kind, mediaType: String, bytes: [UInt8], width: Int? = nil, height: Int? = nil, alt: String? = nil,
    caption: String? = nil
  ) {
    self.bytes = bytes
    file = PressKitFile(
      name: name, kind: kind, mediaType: mediaType, size: bytes.count, digest: Hex.encode(SHA256.hash(data: bytes)), width: width,
      height: height, alt: alt, caption: caption)
  }

  var mediaType: String { file.mediaType }

  /// Its address under the release at `slug`.
  func path(_ slug: String) -> String { PublicPage.releaseFile(slug: slug, file: file).path }
}

/// `count` bytes that differ from those of another seed (a file's content for the server,
/// which never looks inside).
func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
  var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
  return (0..<count).map { _ in
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return UInt8(truncatingIfNeeded: state)
  }
}

