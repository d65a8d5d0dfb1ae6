import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWorkspace

struct PreviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "preview",
    abstract: "Compose a release for one recipient and write message.eml, message.html and message.txt.",
    discussion: "Open message.html in a browser, or message.eml in a mail client, to see what recipients will get."
  )

  @OptionGroup var options: WorkspaceOptions

  @Argument(help: ArgumentHelp("The release file (any of its translations), or its slug.", valueName: "RELEASE.md"))
  var release: String

  @Option(name: .long, help: ArgumentHelp(
    "The recipient to personalise for; a subscriber's address gives their own name, organisation and fields.", valueName: "\"Name <email>\""))
  var to: String = "Alex Example <alex@example.com>"

  @Option(name: .long, help: ArgumentHelp("The recipient's organisation.", valueName: "NAME"))
  var organization: String?

  @Option(name: .long, help: ArgumentHelp("The list named in List-Id and the unsubscribe link (default: the release's first).", valueName: "NAME"))
  var list: String?

  @Option(name: .long, help: ArgumentHelp(
    "The translation to show (default: the one the recipient gets: their language, else the list's, else the first).", valueName: "LANG"))
  var language: String?

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
    let workspace = options.value
    let configuration = try workspace.configuration()
    // The message as sent, signed with every configured key: the same preview as the desk's.
    let preview = try ReleasePreview(
      release, to: recipient, organization: organization, list: list, language: language, workspace: workspace,
      configuration: configuration, signers: try workspace.dkimSigners(configuration),
      store: FileManager.default.fileExists(atPath: workspace.databaseFile.path) ? try workspace.openStore(logger: options.logger) : nil,
      stamp: deterministic ? MessageStamp.fixed : MessageStamp.now())
    let composed = preview.composed
    let message = preview.message
    let bytes = preview.bytes
    let signers = preview.signers
    let diagnostics = preview.diagnostics
    let directory = out.map { URL(fileURLWithPath: $0, isDirectory: true) }
      ?? workspace.previewDirectory(slug: composed.release.slug)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    // The release's photos and files beside message.html, which refers to them there, so
    // that opening it in a browser shows the photo before anything is published.
    let local = try composed.writeLocalFiles(to: directory, media: MediaFolder(directory: workspace.mediaDirectory))
    let files = [
      (directory.appendingPathComponent("message.eml"), bytes),
      (directory.appendingPathComponent("message.html"), Array(local.html(preview.html).utf8)),
      (directory.appendingPathComponent("message.txt"), Array(preview.text.utf8)),
    ]
    for (url, content) in files { try DurableFile.write(content, to: url) }
    let summary = preview.summary
    let partNames = preview.partNames
    let sendingWarnings = preview.sendingWarnings
    if json {
      try JSONOutput.print(PreviewJSON(
        files: files.map(\.0.path), subject: composed.release.subject, to: message.recipient.description,
        messageID: message.messageID.description, size: bytes.count, parts: partNames, links: summary.links,
        placeholderLinks: summary.placeholderLinks, dkim: signers.map(SignerJSON.init),
        warnings: diagnostics.map(\.description) + sendingWarnings))
      return
    }
    let dkim = signers.isEmpty
      ? "none: not signed (herald.yml has no dkim: section)"
      : "signed: " + signers.map { "\(DKIMRecord(signer: $0).name) (\($0.key.algorithm.rawValue))" }.joined(separator: ", ")
    let sizes = summary.parts.map { "\($0.contentType == "text/html" ? "HTML" : "text") \(Terminal.size($0.size))" }.joined(separator: ", ")
    Terminal.say("Wrote " + files.map { Terminal.display($0.0) }.joined(separator: "\n      "))
    Terminal.say()
    let rows: [(String, String)] = [
      ("Subject", composed.release.subject),
      ("From", preview.from.description),
      ("To", message.recipient.description),
      ("Size", "\(Terminal.size(bytes.count)) (\(sizes) before encoding)"),
      ("Parts", partNames.joined(separator: ", ")),
      ("Links", "\(summary.links)" + (summary.placeholderLinks > 0 ? " (\(summary.placeholderLinks) lead nowhere)" : "")),
      ("DKIM", dkim),
    ]
    for (label, value) in rows {
      Terminal.say(Terminal.paint(label.padding(toLength: 9, withPad: " ", startingAt: 0), .bold) + Terminal.safe(value))
    }
    let count = diagnostics.count + sendingWarnings.count
    if count > 0 {
      Terminal.say()
      Terminal.say(Terminal.paint("\(count) warning\(count == 1 ? "" : "s")", .yellow))
      Terminal.report(diagnostics, to: STDOUT_FILENO)
      for warning in sendingWarnings { Terminal.say("herald.yml: " + Terminal.paint("warning:", .yellow) + " " + Terminal.safe(warning)) }
    }
  }
}
