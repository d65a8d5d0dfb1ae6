import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldTesting

/// Photos and files made by the tests themselves (vips, exiftool, Python), in a fresh
/// folder with a release beside them and a Media/ folder.
struct MediaFixtures {
  let root: URL
  var media: MediaFolder { MediaFolder(directory: root.appendingPathComponent("Media")) }

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-media-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root.appendingPathComponent("Releases"), withIntermediateDirectories: true)
  }

  func url(_ path: String) -> URL { root.appendingPathComponent(path) }

  /// Runs a tool (vips, exiftool, vipsheader) and returns its output; fails the test's
  /// setup when it fails.
  @discardableResult
  static func run(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tool-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    try handle.close()
    let text = String(decoding: (try? Data(contentsOf: output)) ?? Data(), as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw ToolFailure(description: "\(tool) \(arguments.joined(separator: " ")) failed: \(text)")
    }
    return text
  }

  struct ToolFailure: Error, CustomStringConvertible { var description: String }

  /// A JPEG of width × height pixels (a colour pattern), stored as given, with
  /// `exiftool` arguments applied (orientation, GPS, serial numbers, copyright…).
  func jpeg(_ path: String, width: Int, height: Int, exif: [String] = []) throws {
    let target = url(path)
    let work = target.path + ".v"
    try Self.run("vips", ["sines", work, "\(width)", "\(height)", "--hfreq", "3", "--vfreq", "2"])
    try Self.run("vips", ["linear", work, work + "2.v", "100", "128"])
    try Self.run("vips", ["cast", work + "2.v", work + "3.v", "uchar"])
    try Self.run("vips", ["bandjoin", "\(work)3.v \(work)3.v \(work)3.v", work + "4.v"])
    try Self.run("vips", ["copy", work + "4.v", target.path + "[Q=80]", "--interpretation", "srgb"])
    for file in [work, work + "2.v", work + "3.v", work + "4.v"] { try? FileManager.default.removeItem(atPath: file) }
    if !exif.isEmpty { try Self.run("exiftool", ["-q", "-overwrite_original"] + exif + [target.path]) }
  }

  /// A file with these bytes.
  func write(_ path: String, _ bytes: [UInt8]) throws {
    try FileManager.default.createDirectory(at: url(path).deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url(path))
  }

  /// A small valid-looking PDF of about `size` bytes.
  func pdf(_ path: String, size: Int = 800) throws {
    var bytes = Array("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".utf8)
    bytes += Array(repeating: UInt8(ascii: " "), count: max(0, size - 6 - bytes.count))
    bytes += Array("%%EOF\n".utf8)
    try write(path, bytes)
  }

  /// Bytes that no allowed type starts with and that are not text.
  static func noise(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return [0x00, 0x01] + (2..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
  }

  /// The release file Releases/release.md with this body.
  func release(_ body: String, frontMatter: String = "") throws -> Release {
    let text = Fixtures.releaseText(body: body, frontMatter: frontMatter)
    let file = url("Releases/release.md").path
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    return try Release(text: text, file: file)
  }

  /// The release composed with Media/ (its files found, checked and made).
  func compose(_ body: String, frontMatter: String = "", settings: ComposeSettings = Fixtures.settings) throws -> ComposedRelease {
    try ComposedRelease(release: try release(body, frontMatter: frontMatter), templates: Fixtures.templates, settings: settings, signer: Fixtures.signer, mediaFolder: media)
  }

  /// exiftool's reading of a file: tag name → value, as text.
  static func exif(_ file: URL) throws -> [String: String] {
    let json = try run("exiftool", ["-j", "-a", "-G0:1", "-s", file.path])
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
    var tags: [String: String] = [:]
    for (key, value) in object[0] { tags[key.split(separator: ":").last.map(String.init) ?? key] = "\(value)" }
    return tags
  }

  /// vipsheader's width and height of an image file.
  static func size(_ file: URL) throws -> (width: Int, height: Int) {
    let width = try run("vipsheader", ["-f", "width", file.path]).trimmingCharacters(in: .whitespacesAndNewlines)
    let height = try run("vipsheader", ["-f", "height", file.path]).trimmingCharacters(in: .whitespacesAndNewlines)
    return (Int(width)!, Int(height)!)
  }
}

/// What Tests/Oracles/mime_tree.py reads in a message.
struct MIMETree: Decodable {
  struct Part: Decodable {
    var content_type: String
    var content_id: String?
    var disposition: String?
    var filename: String?
    var size: Int
    var sha256: String
    var transfer_encoding: String?
    var max_line: Int
  }
  var tree: String
  var parts: [Part]
  var defects: [String]
  var html_cids: [String]

  init(_ bytes: [UInt8]) throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tree-\(UUID().uuidString).eml")
    try Data(bytes).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    self = try JSONDecoder().decode(MIMETree.self, from: try PythonOracle.run(script: "mime_tree.py", arguments: [file.path]))
  }
}
