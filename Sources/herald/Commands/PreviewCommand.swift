import ArgumentParser
import Foundation
import HeraldCompose
import HeraldMail

struct PreviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "preview",
    abstract: "Compose a release for one recipient and write message.eml, message.html and message.txt.",
    discussion: "Open message.html in a browser, or message.eml in a mail client, to see what recipients will get."
  )

  @OptionGroup var options: WorkspaceOptions

  @Argument(help: ArgumentHelp("The release file.", valueName: "RELEASE.md"))
  var release: String

  @Option(name: .long, help: ArgumentHelp("The recipient to personalise for.", valueName: "\"Name <email>\""))
  var to: String = "Alex Example <alex@example.com>"

  @Option(name: .long, help: ArgumentHelp("The recipient's organisation.", valueName: "NAME"))
  var organization: String?

  @Option(name: .long, help: ArgumentHelp("The list named in List-Id and the unsubscribe link (default: the release's first).", valueName: "NAME"))
  var list: String?

  @Option(name: .long, help: ArgumentHelp("Where to write the files (default: preview/SLUG in the workspace).", valueName: "DIR"))
  var out: String?

  @Flag(help: "Use a fixed date and ids, so the output is the same byte for byte on every run.")
  var deterministic = false

  @Flag(help: "Print the summary as JSON.")
  var json = false

  func run() throws {
    let recipient: Mailbox
    do {
      recipient = try Mailbox(parsing: to)
    } catch let error as MailError {
      throw ValidationError("--to: \(error.message)")
    }
    let (loaded, message, parts, diagnostics, files) = try reportingErrors {
      () throws -> (LoadedRelease, ComposedMessage, (html: String, text: String), [Diagnostic], [URL]) in
      let loaded = try LoadedRelease(path: release, options: options)
      let diagnostics = ReleaseChecker.diagnostics(for: loaded.composed)
      if diagnostics.contains(where: { $0.severity == .error }) {
        throw ComposeError(.release, diagnostics)
      }
      let composed = loaded.composed
      let stamp = deterministic ? MessageStamp.fixed : MessageStamp.now()
      let person = Recipient(mailbox: recipient, organization: organization)
      let listName = list ?? composed.release.lists.first ?? "press"
      let message = composed.message(for: person, list: listName, stamp: stamp)
      let parts = composed.personalisedParts(for: person, list: listName)
      let directory = out.map { URL(fileURLWithPath: $0, isDirectory: true) }
        ?? loaded.workspace.root.appendingPathComponent("preview").appendingPathComponent(composed.release.slug)
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let files = [
        (directory.appendingPathComponent("message.eml"), message.bytes),
        (directory.appendingPathComponent("message.html"), Array(parts.html.utf8)),
        (directory.appendingPathComponent("message.txt"), Array(parts.text.utf8)),
      ]
      for (url, bytes) in files { try AtomicFile.write(bytes, to: url) }
      return (loaded, message, parts, diagnostics, files.map(\.0))
    }
    let composed = loaded.composed
    let summary = PreviewSummary(composed: composed, html: parts.html, text: parts.text)
    if json {
      try printJSON([
        "files": files.map(\.path),
        "subject": composed.release.subject,
        "to": message.recipient.description,
        "message_id": message.messageID.description,
        "size": message.bytes.count,
        "parts": summary.parts,
        "links": summary.links,
        "placeholder_links": summary.placeholderLinks,
        "warnings": diagnostics.map(\.description),
      ])
      return
    }
    Terminal.say("Wrote " + files.map { Terminal.display($0) }.joined(separator: "\n      "))
    Terminal.say()
    let rows: [(String, String)] = [
      ("Subject", composed.release.subject),
      ("From", (composed.release.from ?? composed.configuration.from).description),
      ("To", message.recipient.description),
      ("Size", "\(Terminal.size(message.bytes.count)) (text \(Terminal.size(parts.text.utf8.count)), HTML \(Terminal.size(parts.html.utf8.count)) before encoding)"),
      ("Parts", summary.parts.joined(separator: ", ")),
      ("Links", "\(summary.links)" + (summary.placeholderLinks > 0 ? " (\(summary.placeholderLinks) lead nowhere)" : "")),
    ]
    for (label, value) in rows {
      Terminal.say(Terminal.paint(label.padding(toLength: 9, withPad: " ", startingAt: 0), .bold) + value)
    }
    if !diagnostics.isEmpty {
      Terminal.say()
      Terminal.say(Terminal.paint("\(diagnostics.count) warning\(diagnostics.count == 1 ? "" : "s")", .yellow))
      Terminal.report(diagnostics, to: STDOUT_FILENO)
    }
  }
}

/// The facts the preview summary shows.
struct PreviewSummary {
  var parts: [String]
  var links = 0
  var placeholderLinks = 0

  init(composed: ComposedRelease, html: String, text: String) {
    parts = [
      "text/plain (\(MIMEPart.transferEncoding(for: Array(text.utf8)).rawValue))",
      "text/html (\(MIMEPart.transferEncoding(for: Array(html.utf8)).rawValue))",
    ]
    var links = 0
    var placeholders = 0
    composed.document.forEachInline { inline in
      guard case .link(let destination, _, _, _) = inline else { return }
      if MarkdownInline.isPlaceholder(destination: destination) { placeholders += 1 } else { links += 1 }
    }
    self.links = links
    self.placeholderLinks = placeholders
  }
}
