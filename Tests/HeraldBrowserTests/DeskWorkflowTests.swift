import Foundation
import HeraldTesting
import Testing

/// The desk's first workflow, end to end, in a real browser driving the real server (issue
/// 17): a sender signs in, writes a new release, fixes what the check finds, uploads its
/// photo, previews the email (signed and verified), sends it to the list through Herald's
/// capture sink, watches it go and reads the result; a viewer who tries to send is refused.
/// Screenshots of each step are kept in `.build/test-artifacts/desk-workflow/`.
struct DeskWorkflowTests {
  struct Person: Encodable {
    var email: String
    var password: String
  }

  struct Request: Encodable {
    var desk: String
    var sender: Person
    var viewer: Person
    var photo: String
    var artefacts: String
    var title: String
    var list: String
    var wait_seconds: Int
  }

  struct Preview: Decodable {
    var frames: Int
    var sandboxes: [String?]
    var dkim: String
    var text_part: String
  }

  struct Result: Decodable {
    var file: String
    var skeleton_errors: Int
    var missing_photo_errors: Int
    var check_missing_photo: String
    var errors_after: Int
    var check_after: String
    var preview: Preview
    var plan: String
    var confirmation: String
    var campaign: String
    var final_state: String
    var result: String
    var viewer_send_status: Int?
    var screenshots: [String]
    var console_errors: [String]
    var violations: [String]
  }

  @Test(.enabled(if: BrowserScript.isAvailable, "python3 cannot import playwright and axe_playwright_python: run scripts/bootstrap"))
  func aSenderWritesChecksPreviewsAndSendsAReleaseAndAViewerCannotSend() throws {
    let sinkFolder = try HeraldProcess.temporaryDirectory()
    let maildir = sinkFolder.appendingPathComponent("sink")
    let sink = try BackgroundProcess.herald(["sink", "--port", "0", "--maildir", maildir.path, "--quiet"], in: sinkFolder)
    defer { sink.stop() }
    let sinkPort = try #require(try sink.waitForOutput(#"listening on smtp://127\.0\.0\.1:([0-9]+)"#), "\(sink.output)")
    let site = try ServedWorkspace(relay: "smtp://127.0.0.1:\(sinkPort)", dkim: true)
    let members = try String(contentsOf: site.root.appendingPathComponent("Lists/press-en.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().count
    let artefacts = BrowserScript.artefacts("desk-workflow")
    // The photo a press officer has on their computer, to upload.
    let photo = sinkFolder.appendingPathComponent("riverbed.jpg")
    try FileManager.default.copyItem(at: site.root.appendingPathComponent("Releases/water-losses.jpg"), to: photo)

    let result = try BrowserScript("desk_workflow.py").run(
      Request(
        desk: site.desk, sender: Person(email: ServedWorkspace.email("sender"), password: ServedWorkspace.password),
        viewer: Person(email: ServedWorkspace.email("viewer"), password: ServedWorkspace.password),
        photo: photo.path, artefacts: artefacts.path,
        title: "Rivers in the north ran a third lower this autumn", list: "press-en", wait_seconds: 120),
      as: Result.self, timeout: 400)

    // Written in the browser: the file in Releases/ is what the desk wrote.
    let file = site.root.appendingPathComponent("Releases/\(result.file)")
    let written = try String(contentsOf: file, encoding: .utf8)
    #expect(written.contains("Rivers in the north ran a third lower this autumn"))
    #expect(written.contains("**Dr. Ana Example**"))
    // The check found the skeleton's placeholders, then the photo nobody had uploaded; once
    // uploaded (below the release), nothing stands in the way.
    #expect(result.skeleton_errors >= 2, "\(result.check_after)")
    #expect(result.missing_photo_errors == 1, "\(result.check_missing_photo)")
    #expect(result.check_missing_photo.contains("riverbed.jpg"))
    #expect(result.errors_after == 0, "\(result.check_after)")
    let slug = String(result.file.dropLast(3))
    #expect(FileManager.default.fileExists(atPath: site.root.appendingPathComponent("Releases/\(slug)/riverbed.jpg").path))
    // The preview: the email's HTML and the archive page in sandboxed frames (no scripts),
    // the text part, and the signature verified with the workspace's key.
    #expect(result.preview.frames == 2)
    #expect(result.preview.sandboxes.allSatisfy { $0 != nil && !($0!.contains("allow-scripts")) })
    #expect(result.preview.dkim.contains("d="), "\(result.preview.dkim)")
    #expect(!result.preview.dkim.contains("Not signed"), "\(result.preview.dkim)")
    // The text part is wrapped: its words, whatever the line breaks.
    let textPart = result.preview.text_part.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(textPart.contains("carried a third less water this autumn"), "\(textPart)")
    // The confirmation named the number, and every member got exactly one message.
    #expect(result.confirmation.contains("\(members)"), "\(result.confirmation)")
    #expect(result.final_state.lowercased().contains("finished"), "\(result.final_state)\n\(result.result)")
    let delivered = try sinkMessages(maildir)
    #expect(delivered.count == members, "\(delivered.count) messages for \(members) members")
    #expect(Set(delivered.map(\.to)).count == members, "one each")
    #expect(delivered.allSatisfy { $0.subject.contains("Rivers in the north") })
    #expect(delivered.allSatisfy { $0.dkim }, "signed")
    // A viewer is refused the send page.
    #expect(result.viewer_send_status == 403)
    // The pages ran no refused script or style.
    #expect(result.console_errors.filter { $0.contains("Content Security Policy") }.isEmpty, "\(result.console_errors)")
    #expect(result.screenshots.count >= 18)
    // Every step's page, at both widths, passes axe's WCAG 2.1 A/AA rules (nothing serious or critical).
    for violation in result.violations { Issue.record(Comment(rawValue: violation)) }
  }

  /// The messages the sink kept (one .eml file each): To, Subject, and whether it carries a DKIM signature.
  func sinkMessages(_ maildir: URL) throws -> [(to: String, subject: String, dkim: Bool)] {
    let files = ((try? FileManager.default.contentsOfDirectory(at: maildir, includingPropertiesForKeys: nil)) ?? [])
      .filter { $0.pathExtension == "eml" }
    return try files.map { url in
      let text = try String(contentsOf: url, encoding: .utf8)
      let head = text.components(separatedBy: "\r\n\r\n").first ?? text
      func header(_ name: String) -> String {
        head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map {
          String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
        } ?? ""
      }
      return (header("To"), header("Subject"), head.contains("DKIM-Signature:"))
    }
  }
}
