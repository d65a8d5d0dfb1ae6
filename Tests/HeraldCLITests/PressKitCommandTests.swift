import Foundation
import HeraldTesting
import Testing

/// End-to-end with the built herald: the sample release's photo and report checked,
/// previewed offline, and sent to the capture sink with absolute addresses and the press
/// kit; the publication lists them.
struct PressKitCommandTests {
  let root: URL
  static let sample = "Releases/2020-03-31-water-report.md"

  init() throws {
    root = try HeraldProcess.workspace()
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  @Test func initWritesTheSamplePhotoAndReportAndCheckPassesThem() throws {
    for file in ["Releases/water-losses.jpg", "Releases/counting-the-drops.pdf"] {
      #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path), "\(file)")
    }
    let checked = try herald("check", Self.sample, "--json")
    let json = try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as! [String: Any]
    #expect(checked.status == 0 && json["errors"] as? Int == 0, "\(checked.stdout)\(checked.stderr)")
    // The photo and the report are in Media/, with the index of what was made.
    let media = root.appendingPathComponent("Media")
    #expect(try FileManager.default.contentsOfDirectory(atPath: media.appendingPathComponent("index").path).count == 1)
  }

  @Test func checkNamesAMissingFileWithItsLineAndFails() throws {
    let release = root.appendingPathComponent("Releases/with-photo.md")
    try """
      ---
      title: "A release with a photo"
      date: 2026-12-06
      summary: "One sentence."
      lists: [press-en]
      ---

      ![The director](director.jpg)
      """.write(to: release, atomically: true, encoding: .utf8)
    let checked = try herald("check", "Releases/with-photo.md")
    #expect(checked.status == 1)
    #expect(checked.stdout.contains("Releases/with-photo.md:8: error:") && checked.stdout.contains("director.jpg"), "\(checked.stdout)")
  }

  @Test func previewWritesThePhotoBesideMessageHTML() throws {
    let preview = try herald("preview", Self.sample, "--out", "out")
    #expect(preview.status == 0, "\(preview.stdout)\(preview.stderr)")
    let html = try String(contentsOf: root.appendingPathComponent("out/message.html"), encoding: .utf8)
    let source = try #require(html.firstMatch(of: /<img src="(files\/[0-9a-f]{64}\/water-losses\.jpg)"/)?.output.1)
    let image = root.appendingPathComponent("out").appendingPathComponent(String(source))
    #expect(try Data(contentsOf: image).starts(with: [0xFF, 0xD8, 0xFF]))
    #expect(html.contains("href=\"files/") && html.contains("counting-the-drops.pdf\""))
    #expect(!html.contains("https://news.example.org/releases/2020-03-31-water-report/files/"))
    // The message itself keeps the absolute addresses.
    let eml = try String(contentsOf: root.appendingPathComponent("out/message.eml"), encoding: .utf8)
    #expect(eml.contains("https://news.example.org/releases/2020-03-31-water-report/files/"))
  }

  @Test func thePreviewShowsThePhotoWhenOpenedInABrowser() throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium: run scripts/bootstrap")
    #expect(try herald("preview", Self.sample, "--out", "shown").status == 0)
    // What a person sees, with the copies beside message.html and without them (a broken
    // image in the same box): the photo, a colour field, changes the picture.
    let shown = HeadlessBrowser.artifactsDirectory.appendingPathComponent("preview-photo-\(UUID().uuidString).png")
    let broken = HeadlessBrowser.artifactsDirectory.appendingPathComponent("preview-broken-\(UUID().uuidString).png")
    let page = "file://" + root.appendingPathComponent("shown/message.html").path
    try browser.screenshot(page, width: 700, height: 900, to: shown)
    try FileManager.default.removeItem(at: root.appendingPathComponent("shown/files"))
    try browser.screenshot(page, width: 700, height: 900, to: broken)
    func average(_ file: URL) throws -> Double {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["vips", "avg", file.path]
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let output = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return Double(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
    }
    let withPhoto = try average(shown)
    let withoutPhoto = try average(broken)
    #expect(abs(withPhoto - withoutPhoto) > 2, "average pixel \(withPhoto) with the photo, \(withoutPhoto) without")
  }

  @Test func theSentEmailCarriesThePhotosAbsoluteAddressAndThePressKit() throws {
    #expect(try herald("lists", "create", "press-en").status == 0)
    #expect(try herald("lists", "import", "press-en", "Lists/press-en.csv").status == 0)
    let maildir = root.appendingPathComponent("captured")
    let sink = try BackgroundProcess.herald(["sink", "--port", "0", "--maildir", maildir.path, "--quiet"], in: root)
    defer { sink.stop() }
    let port = try #require(try sink.waitForOutput(#"listening on smtp://127\.0\.0\.1:([0-9]+)"#), "\(sink.output)")
    let sent = try herald("send", Self.sample, "--smtp", "smtp://127.0.0.1:\(port)", "--yes")
    #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")

    // An English reader's message (one reader of the sample list gets the Russian translation,
    // and the folder's order is the file system's).
    let names = try FileManager.default.contentsOfDirectory(atPath: maildir.path).filter { $0.hasSuffix(".eml") }.sorted()
    var english: InspectedMessage?
    for name in names where english == nil {
      let candidate = try inspectMessage(Array(try Data(contentsOf: maildir.appendingPathComponent(name))))
      if (candidate.parts.first { $0.contentType == "text/html" }?.content ?? "").contains("<html lang=\"en\"") { english = candidate }
    }
    let message = try #require(english, "no English message among \(names.count)")
    #expect(message.defects.isEmpty)
    let html = message.parts.first { $0.contentType == "text/html" }?.content ?? ""
    let text = message.parts.first { $0.contentType == "text/plain" }?.content ?? ""
    let files = "https://news.example.org/releases/2020-03-31-water-report/files/"
    #expect(html.firstMatch(of: /<figure style="[^"]*"><img src="https:\/\/news\.example\.org\/releases\/2020-03-31-water-report\/files\/[0-9a-f]{64}\/water-losses\.jpg" alt="[^"]+" width="600" height="400"/) != nil, "\(html)")
    #expect(html.contains("Illustration: Institute for Example Studies</figcaption>"))
    #expect(html.contains("Press kit</h2>") && html.contains("https://news.example.org/releases/2020-03-31-water-report/press-kit.zip"))
    #expect(text.contains("Press kit\n---------\n- water-losses.jpg (JPEG image, "), "\(text)")
    #expect(text.contains("- counting-the-drops.pdf (PDF, 680 bytes): \(files)"), "\(text)")

    // The archive's publication lists the photo, its rendition and the report, all in Media/.
    let published = try herald("publish", Self.sample, "--json")
    #expect(published.status == 0, "\(published.stderr)")
    let store = root.appendingPathComponent("Lists/herald.sqlite").path
    let row = String(decoding: try PythonOracle.run(code: "import sqlite3; print(sqlite3.connect('\(store)').execute('SELECT files FROM publication').fetchone()[0])"), as: UTF8.self)
    let list = try JSONSerialization.jsonObject(with: Data(row.utf8)) as! [[String: Any]]
    #expect(list.map { $0["kind"] as? String } == ["image", "rendition", "document"], "\(row)")
    for file in list {
      let digest = file["digest"] as! String
      #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Media/\(digest.prefix(2))/\(digest)").path))
    }
  }
}
