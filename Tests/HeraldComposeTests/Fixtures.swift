import Foundation
import HeraldCompose
import HeraldMail
import HeraldWorkspace

/// The default workspace files, a fixed secret and ways to compose from text: the inputs
/// of every compose test, with nothing read from the machine.
enum Fixtures {
  static let secret: [UInt8] = Array(repeating: 0x5A, count: 32)
  static let signer = LinkSigner(secret: secret)

  static func defaultFile(_ path: String) -> String {
    String(decoding: WorkspaceDefaults.files.first { $0.path == path }!.contents, as: UTF8.self)
  }

  static var configuration: Configuration {
    try! Configuration(yaml: defaultFile("herald.yml"), file: "herald.yml")
  }

  static var settings: ComposeSettings { configuration.compose }

  static var templates: ReleaseTemplates {
    try! ReleaseTemplates(
      html: defaultFile("Templates/release.html.mustache"), htmlFile: "release.html.mustache",
      text: defaultFile("Templates/release.txt.mustache"), textFile: "release.txt.mustache")
  }

  static var sampleRelease: String { defaultFile(WorkspaceDefaults.sampleReleasePath) }

  /// A release file's text from a body and extra front matter lines.
  static func releaseText(body: String, frontMatter: String = "") -> String {
    "---\ntitle: \"Test release\"\ndate: 2020-03-31\nsummary: \"A summary.\"\nlists: [press-en]\n\(frontMatter)---\n\(body)"
  }

  static func compose(_ text: String, file: String = "Releases/test.md", settings: ComposeSettings = Fixtures.settings) throws -> ComposedRelease {
    try ComposedRelease(release: try Release(text: text, file: file), templates: templates, settings: settings, signer: signer)
  }

  static let alex = Recipient(mailbox: Mailbox(name: "Alex Example", address: "alex@example.com"), organization: "Example Daily")

  /// The folder of golden files beside the tests.
  static let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
}
