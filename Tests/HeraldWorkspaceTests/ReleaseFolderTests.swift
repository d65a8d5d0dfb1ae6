import Foundation
import HeraldCompose
import HeraldWorkspace
import Testing

/// The folder of a release's photos and files, and the names uploads are saved under.
struct ReleaseFolderTests {
  @Test(arguments: [
    ("photo.jpg", "photo.jpg"),
    ("Harbour at dawn.JPG", "Harbour-at-dawn.jpg"),
    ("..hidden.png", nil),
    (".hidden.png", "hidden.png"),
    ("фото с моря.jpeg", "фото-с-моря.jpeg"),
    ("report \"final\" (v2).pdf", "report-final-v2.pdf"),
    ("a\u{0}b\u{202E}c.png", "a-b-c.png"),
    ("../etc/passwd.jpg", nil),
    ("C:\\Users\\me\\photo.jpg", nil),
    ("/etc/photo.jpg", nil),
    ("drawing.svg", nil),
    ("page.html", nil),
    ("noending", nil),
    (".png", nil),
  ] as [(String, String?)])
  func anUploadedNameIsMadeSafeOrRefused(given: String, safe: String?) {
    switch ReleaseFolder.safeName(given) {
    case .success(let name): #expect(name == safe, "\(given)")
    case .failure(let problem):
      #expect(safe == nil, "\(given): \(problem.message)")
      #expect(!problem.message.isEmpty)
    }
  }

  @Test func theFolderIsNamedAfterTheSlugAndSharedByTranslations() {
    let original = ReleaseFolder(releaseFile: URL(fileURLWithPath: "/ws/Releases/2020-03-31-water-report.md"))
    let translation = ReleaseFolder(releaseFile: URL(fileURLWithPath: "/ws/Releases/2020-03-31-water-report.ru.md"))
    #expect(original.url.path == "/ws/Releases/2020-03-31-water-report")
    #expect(translation.url == original.url)
  }

  @Test func anUploadIsKeptUnderAFreeNameOnlyWhenItsContentIsWhatItsNameSays() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-folder-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let folder = ReleaseFolder(releaseFile: root.appendingPathComponent("2021-01-01-x.md"))
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]
    for expected in ["a.png", "a-2.png", "a-3.png"] {
      let upload = try ReleaseUpload(into: folder)
      try upload.write(Array(png.prefix(5)))
      try upload.write(Array(png.dropFirst(5)))
      #expect(try upload.finish(as: "a.png").get() == expected)
    }
    let refused = try ReleaseUpload(into: folder)
    try refused.write(Array("%PDF-1.4".utf8))
    #expect(throws: MediaTypeProblem.self) { try refused.finish(as: "b.png").get() }
    // Nothing else is left: no temporary file, no refused file.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["a-2.png", "a-3.png", "a.png"])
    #expect(try Data(contentsOf: folder.url.appendingPathComponent("a-3.png")) == Data(png))
  }
}
