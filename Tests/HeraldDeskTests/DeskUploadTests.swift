import Foundation
import HeraldCompose
import HeraldCore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldDesk

/// A file for an upload form: the name the browser sends and its bytes.
struct UploadFile: Sendable {
  var name: String
  var bytes: [UInt8]
  var type = "application/octet-stream"
}

extension TestClientProtocol {
  /// Posts files as a browser's upload form does (multipart/form-data, the token first, then
  /// the plain `fields`, then the files).
  func upload(
    _ uri: String, _ browser: Browser, _ files: [UploadFile], fields: [(String, String)] = [], csrf: String? = nil, tokenFirst: Bool = true
  ) async throws -> TestResponse {
    let boundary = "----WebKitFormBoundaryHeraldTest0123"
    var token: [UInt8] = []
    if let value = csrf ?? Optional(browser.csrf), !value.isEmpty {
      token = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(value)\r\n".utf8)
    }
    var parts: [UInt8] = []
    for (name, value) in fields {
      parts += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }
    for file in files {
      let escaped = file.name.replacingOccurrences(of: "\"", with: "%22")
      parts += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(escaped)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
      parts += file.bytes + Array("\r\n".utf8)
    }
    let body = (tokenFirst ? token + parts : parts + token) + Array("--\(boundary)--\r\n".utf8)
    var headers = browser.headers()
    headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
    headers[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
    return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
  }
}

struct DeskUploadTests {
  static let sample = "2020-03-31-water-report.md"
  static let slug = "2020-03-31-water-report"
  static var files: String { DeskPage.files(file: sample).path }

  /// A real JPEG: the sample release's photo, which `herald init` puts in Releases/.
  static func jpeg(_ fixture: DeskFixture) throws -> [UInt8] {
    Array(try Data(contentsOf: fixture.workspace.releasesDirectory.appendingPathComponent("water-losses.jpg")))
  }

  /// A minimal valid PNG (1×1, one grey pixel), made here.
  static let png: [UInt8] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B, 0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x77, 0xCD, 0x72, 0xB6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
  ]

  /// Files in Releases/SLUG/, hidden ones (unfinished uploads) included.
  static func folder(_ fixture: DeskFixture) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: fixture.workspace.releasesDirectory.appendingPathComponent(slug).path)) ?? []).sorted()
  }

  @Test func aPhotoAndADocumentAreSavedBelowTheReleaseWithTheMarkdownToPaste() async throws {
    let fixture = try DeskFixture()
    let jpeg = try Self.jpeg(fixture)
    let pdf = Array("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n".utf8)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      return try await client.upload(Self.files, browser, [
        UploadFile(name: "Harbour at dawn.JPG", bytes: jpeg, type: "image/jpeg"), UploadFile(name: "report.pdf", bytes: pdf),
        UploadFile(name: "dot.png", bytes: Self.png),
      ])
    }
    #expect(response.status == .ok, "\(response.text)")
    let folder = fixture.workspace.releasesDirectory.appendingPathComponent(Self.slug)
    #expect(Self.folder(fixture) == ["Harbour-at-dawn.jpg", "dot.png", "report.pdf"])
    #expect(Array(try Data(contentsOf: folder.appendingPathComponent("Harbour-at-dawn.jpg"))) == jpeg)
    #expect(Array(try Data(contentsOf: folder.appendingPathComponent("report.pdf"))) == pdf)
    let text = htmlUnescaped(response.text)
    #expect(text.contains("![Description](\(Self.slug)/Harbour-at-dawn.jpg \"Caption — Photo: Name\")"))
    #expect(text.contains("[report.pdf](\(Self.slug)/report.pdf)"))
    #expect(text.contains("\(Self.slug)/Harbour-at-dawn.jpg (JPEG, \(ByteCount.formatted(jpeg.count)))"))
    // The Markdown works: a release that uses it passes the check's file rules (ReleaseMedia).
    let release = try Release(
      text: "---\ntitle: T\ndate: 2020-03-31\n---\n\n![A harbour](\(Self.slug)/Harbour-at-dawn.jpg \"Dawn — Photo: Jane Example\")\n\n[The report](\(Self.slug)/report.pdf)\n",
      file: fixture.workspace.releasesDirectory.appendingPathComponent("2020-03-31-t.md").path)
    let media = ReleaseMedia(
      release: release, document: MarkdownDocument(parsing: release.body, firstLine: release.bodyFirstLine),
      folder: MediaFolder(directory: fixture.workspace.mediaDirectory), settings: MediaSettings())
    #expect(media.diagnostics.filter { $0.severity == .error }.isEmpty, "\(media.diagnostics)")
    #expect(media.items.count == 2)
  }

  @Test func aNameThatIsThereGetsANumberAndNothingIsReplaced() async throws {
    let fixture = try DeskFixture()
    let folder = fixture.workspace.releasesDirectory.appendingPathComponent(Self.slug)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(Self.png).write(to: folder.appendingPathComponent("photo.png"))
    let jpegRenamed = try Self.jpeg(fixture)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      return try await client.upload(Self.files, browser, [UploadFile(name: "photo.png", bytes: Self.png), UploadFile(name: "photo.jpg", bytes: jpegRenamed)])
    }
    #expect(response.status == .ok)
    #expect(Self.folder(fixture) == ["photo-2.png", "photo.jpg", "photo.png"])
  }

  @Test(arguments: [
    ("drawing.svg", Array("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8), "SVG"),
    ("drawing.png", Array("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".utf8), "SVG inside"),
    ("page.jpg", Array("<!DOCTYPE html><html><script>alert(1)</script></html>".utf8), "its content is"),
    ("photo.jpg", Array("%PDF-1.4\n".utf8), "its content is PDF"),
    ("../../herald.yml.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "names a folder"),
    ("..\\evil.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "names a folder"),
    ("/etc/passwd.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "names a folder"),
    ("script.sh", Array("#!/bin/sh\n".utf8), "not a kind of file"),
    (".jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "no name"),
    ("no-ending", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "no name or no ending"),
  ])
  func aRefusedFileIsNamedWithTheReasonAndNothingIsWritten(name: String, bytes: [UInt8], reason: String) async throws {
    let fixture = try DeskFixture()
    let before = try releasesState(fixture)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      return try await client.upload(Self.files, browser, [UploadFile(name: name, bytes: bytes)])
    }
    #expect(response.status == .unprocessableContent)
    #expect(response.text.contains("Not saved:"))
    #expect(htmlUnescaped(response.text).contains(reason), "\(response.text)")
    #expect(!response.text.contains("<script>"))
    // The folder may have been made; nothing is in it, not even a temporary file.
    #expect(Self.folder(fixture).isEmpty)
    #expect(try releasesState(fixture).filter { $0 != "\(Self.slug)/" } == before)
  }

  @Test func hostileCharactersInANameAreLeftOut() async throws {
    let fixture = try DeskFixture()
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      return try await client.upload(Self.files, browser, [UploadFile(name: ".hidden \u{202E}gpj.\"<b>\u{07}.png", bytes: Self.png)])
    }
    #expect(response.status == .ok, "\(response.text)")
    let saved = try #require(Self.folder(fixture).first)
    #expect(Self.folder(fixture).count == 1)
    #expect(!saved.hasPrefix("."))
    #expect(saved.hasSuffix(".png"))
    #expect(saved.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.".unicodeScalars.contains($0) })
  }

  @Test func anUploadOverTheLimitIs413NamingItAndNothingIsKept() async throws {
    let fixture = try DeskFixture(sections: "press_kit:\n  upload_limit: 20 KB\n")
    let big = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0x41, count: 40_000)
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      // Small enough alone, too large together: the limit is on the whole body.
      return try await client.upload(Self.files, browser, [UploadFile(name: "a.png", bytes: Self.png), UploadFile(name: "big.jpg", bytes: big)])
    }
    #expect(response.status == .contentTooLarge)
    #expect(response.text.contains(ByteCount.formatted(20_000)), "\(response.text)")
    #expect(Self.folder(fixture).isEmpty, "\(Self.folder(fixture))")
  }

  @Test func aTruncatedUploadKeepsNoHalfFile() async throws {
    let fixture = try DeskFixture()
    let response = try await fixture.test { client in
      let browser = try await client.signIn("editor@example.org")
      let boundary = "cut"
      let body = Array("--cut\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(browser.csrf)\r\n--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"half.png\"\r\n\r\n".utf8)
        + Self.png.prefix(20)
      var headers = browser.headers()
      headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
      headers[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
      return try await client.execute(uri: Self.files, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
    #expect(response.status == .badRequest)
    #expect(response.text.contains("closing boundary"))
    #expect(Self.folder(fixture).isEmpty)
  }

  @Test(arguments: ["viewer", "missing", "foreign", "after", "cross-site"])
  func anUploadThatIsNotAllowedWritesNothing(kind: String) async throws {
    let fixture = try DeskFixture()
    let jpeg = try Self.jpeg(fixture)
    let before = try releasesState(fixture)
    let response = try await fixture.test { client in
      let editor = try await client.signIn(kind == "viewer" ? "viewer@example.org" : "editor@example.org")
      let other = try await client.signIn("admin@example.org")
      let file = [UploadFile(name: "photo.jpg", bytes: jpeg)]
      switch kind {
      case "missing": return try await client.upload(Self.files, editor, file, csrf: "")
      case "foreign": return try await client.upload(Self.files, editor, file, csrf: other.csrf)
      case "after": return try await client.upload(Self.files, editor, file, tokenFirst: false)
      case "cross-site":
        var browser = editor
        browser.cookie = editor.cookie
        let boundary = "b"
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(editor.csrf)\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n\r\n".utf8) + jpeg + Array("\r\n--b--\r\n".utf8)
        var headers = browser.headers()
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        headers[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
        return try await client.execute(uri: Self.files, method: .post, headers: headers, body: ByteBuffer(bytes: body))
      default: return try await client.upload(Self.files, editor, file)
      }
    }
    #expect(response.status == .forbidden, "\(kind)")
    #expect(try releasesState(fixture).filter { $0 != "\(Self.slug)/" } == before)
    #expect(Self.folder(fixture).isEmpty)
  }

  @Test func theFilesPageListsWhatTheReleaseUsesWithTypeAndSizeForEveryone() async throws {
    let fixture = try DeskFixture()
    let jpeg = try Self.jpeg(fixture)
    try await fixture.test { client in
      let viewer = try await client.signIn("viewer@example.org")
      let page = try await client.execute(uri: Self.files, method: .get, headers: viewer.headers())
      #expect(page.status == .ok)
      #expect(page.text.contains("<h3>water-losses.jpg</h3>"))
      #expect(page.text.contains("JPEG · \(ByteCount.formatted(jpeg.count)) · used in the text"))
      #expect(page.text.contains("<h3>counting-the-drops.pdf</h3>"))
      #expect(htmlUnescaped(page.text).contains("![Description](water-losses.jpg \"Caption — Photo: Name\")"))
      // A viewer reads; the upload form and remove buttons are an editor's.
      #expect(!page.text.contains("enctype=\"multipart/form-data\""))
      let editor = try await client.signIn("editor@example.org")
      let editorPage = try await client.execute(uri: Self.files, method: .get, headers: editor.headers())
      #expect(editorPage.text.contains("enctype=\"multipart/form-data\""))
      #expect(editorPage.text.contains("<label for=\"upload\">"))
      // The overview links to it for everyone.
      let overview = try await client.execute(uri: DeskPage.release(file: Self.sample).path, method: .get, headers: viewer.headers())
      #expect(overview.text.contains("href=\"\(Self.files)\""))
    }
  }

  @Test func aFileTheReleaseDoesNotUseCanBeRemovedAndOneItUsesCannot() async throws {
    let fixture = try DeskFixture()
    let folder = fixture.workspace.releasesDirectory.appendingPathComponent(Self.slug)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(Self.png).write(to: folder.appendingPathComponent("spare.png"))
    try Data(Self.png).write(to: folder.appendingPathComponent("used.png"))
    let release = fixture.workspace.releasesDirectory.appendingPathComponent(Self.sample)
    try (try String(contentsOf: release, encoding: .utf8) + "\n![Used](\(Self.slug)/used.png)\n").write(to: release, atomically: true, encoding: .utf8)
    try await fixture.test { client in
      let editor = try await client.signIn("editor@example.org")
      let page = try await client.execute(uri: Self.files, method: .get, headers: editor.headers())
      #expect(page.text.contains("name=\"name\" value=\"spare.png\""))
      #expect(!page.text.contains("name=\"name\" value=\"used.png\""))
      let removed = try await client.post(DeskPage.removeFile(file: Self.sample).path, editor, [("name", "spare.png")])
      #expect(removed.status == .ok)
      #expect(removed.text.contains("Removed \(Self.slug)/spare.png."))
      let refused = try await client.post(DeskPage.removeFile(file: Self.sample).path, editor, [("name", "used.png")])
      #expect(refused.status == .unprocessableContent)
      #expect(refused.text.contains("is used in the text"))
      for hostile in ["../\(Self.sample)", "../../herald.yml", ".", "", "missing.png"] {
        let response = try await client.post(DeskPage.removeFile(file: Self.sample).path, editor, [("name", hostile)])
        #expect(response.status == .unprocessableContent, "\(hostile)")
      }
    }
    #expect(Self.folder(fixture) == ["used.png"])
    #expect(FileManager.default.fileExists(atPath: release.path))
    #expect(FileManager.default.fileExists(atPath: fixture.workspace.root.appendingPathComponent("herald.yml").path))
  }
}
