import Foundation
import HeraldCompose
import HeraldCore
import HeraldTesting
import Testing

/// The press kit's ZIP, made from the files of Media/: what is in it and under which names.
struct PressKitArchiveTests {
  let media: URL

  init() throws {
    media = FileManager.default.temporaryDirectory.appendingPathComponent("herald-kit-\(UUID().uuidString)")
  }

  /// A file whose bytes are `text`, put in Media/ under a made-up digest.
  func file(_ name: String, _ kind: PressKitFile.Kind, _ text: String, type: String = "application/pdf", store: Bool = true) throws -> PressKitFile {
    // Not a SHA-256, but as unique: the text's own bytes in hex, padded (the ZIP never checks).
    let hex = Hex.encode(Array(text.utf8))
    let digest = hex + String(repeating: "0", count: max(0, 64 - hex.count))
    let file = PressKitFile(name: name, kind: kind, mediaType: type, size: text.utf8.count, digest: digest)
    if store {
      let url = media.appendingPathComponent(file.storagePath)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    return file
  }

  @Test func listedFilesAreMembersUnderUniqueNamesAndRenditionsAreLeftOut() throws {
    let archive = PressKitArchive(files: [
      try file("photo.jpg", .image, "a"), try file("photo.jpg", .rendition, "b"), try file("photo.jpg", .image, "c"),
      try file("photo-2.jpg", .image, "d"), try file("../../etc/passwd", .document, "e"), try file("README", .document, "f"),
      try file("README", .document, "g"),
    ])
    #expect(archive.members.map(\.name) == ["photo.jpg", "photo-2.jpg", "photo-2-2.jpg", "_.._etc_passwd", "README", "README-2"])
  }

  @Test func theSameFilesMakeTheSameBytesAndOtherNamesAnotherZIP() throws {
    let files = [try file("report.pdf", .document, "report"), try file("figures.csv", .document, "x,y\n1,2\n", type: "text/csv")]
    let first = try PressKitArchive(files: files).make(in: media)
    let bytes = try Data(contentsOf: first.url)
    #expect(bytes.count == first.size)
    try FileManager.default.removeItem(at: first.url)
    let again = try PressKitArchive(files: files).make(in: media)
    let remade = try Data(contentsOf: again.url)
    #expect(again.url == first.url && remade == bytes, "made again, byte for byte")
    var renamed = files
    renamed[0].name = "full-report.pdf"
    #expect(PressKitArchive(files: renamed).digest != PressKitArchive(files: files).digest)
  }

  @Test func aMemberMissingFromMediaIsAnErrorThatSaysWhatToDo() throws {
    let files = [try file("report.pdf", .document, "report"), try file("bio.pdf", .document, "biography", store: false)]
    let archive = PressKitArchive(files: files)
    let error = #expect(throws: ComposeError.self) { try archive.make(in: media) }
    #expect(error?.message.contains("bio.pdf") == true && error?.message.contains("publish the release again") == true, "\(String(describing: error))")
    #expect(!FileManager.default.fileExists(atPath: archive.location(in: media).path), "no half-made ZIP")
    let left = (try? FileManager.default.contentsOfDirectory(atPath: media.appendingPathComponent("press-kits").path)) ?? []
    #expect(left.isEmpty, "no temporary file left: \(left)")
  }
}
