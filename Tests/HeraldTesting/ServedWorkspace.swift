import Foundation

/// A workspace like `make demo`'s, served by the built `herald serve`: the sample release
/// (its photo and PDF, its Russian translation) published, the sample list imported into a
/// public double opt-in list `press-en`, a desk account per role, the public site and the desk
/// on free loopback ports. Its base_url is the public site's real address, so that a browser
/// loads the release's photo and the site's forms are same-origin. Mail waits in the Outbox
/// (`--no-deliver`), or goes to a relay the test started. The server is killed when this is
/// released.
package final class ServedWorkspace {
  /// The workspace folder.
  package let root: URL
  /// The public site, http://127.0.0.1:PORT (also the workspace's base_url).
  package let web: String
  /// The desk, http://127.0.0.1:PORT.
  package let desk: String
  /// The running `herald serve`.
  package let server: BackgroundProcess

  /// The sample release's file in Releases/.
  package static let sampleRelease = "2020-03-31-water-report.md"
  /// The desk accounts' password (every role's).
  package static let password = "correct horse battery staple"

  /// The desk account of `role` ("viewer", "editor", "sender", "admin"): ROLE@example.org.
  package static func email(_ role: String) -> String { "\(role)@example.org" }

  /// Sets the workspace up through the CLI, as a press office would, and starts the server.
  /// - Parameters:
  ///   - relay: the relay `herald serve` delivers through (`smtp://127.0.0.1:PORT`, a sink the
  ///     test started); nil: mail waits in the Outbox.
  ///   - dkim: whether to make a signing key first (`herald dkim keygen`).
  /// - Throws: `HeraldProcess.SetupFailed` with herald's output when a step fails.
  package init(relay: String? = nil, dkim: Bool = false) throws {
    root = try HeraldProcess.workspace()
    let port = try BackgroundProcess.freePort()
    web = "http://127.0.0.1:\(port)"
    let yml = root.appendingPathComponent("herald.yml")
    let configuration = try String(contentsOf: yml, encoding: .utf8)
      .replacingOccurrences(of: #"base_url: "https://news.example.org""#, with: "base_url: \"\(web)\"")
    guard configuration.contains("base_url: \"\(web)\"") else {
      throw HeraldProcess.SetupFailed(description: "herald init's herald.yml has no base_url: \"https://news.example.org\" line to change")
    }
    // A test sends a form at once (a person takes longer than the default two seconds), and
    // sends more of them in a minute than one person does.
    try (configuration + "\nweb:\n  form_minimum_age: 0s\n  forms_per_minute: 600\n  form_burst: 100\n")
      .write(to: yml, atomically: true, encoding: .utf8)
    try Self.run(["lists", "create", "press-en", "--title", "Press releases (English)", "--public", "--double-opt-in"], in: root)
    try Self.run(["lists", "import", "press-en", "Lists/press-en.csv"], in: root)
    try Self.run(["publish", "Releases/\(Self.sampleRelease)"], in: root)
    if dkim {
      try Self.run(["dkim", "keygen"], in: root)
      let signed = try String(contentsOf: yml, encoding: .utf8) + "\ndkim:\n  - selector: herald\n    key: .herald/dkim/herald.pem\n"
      try signed.write(to: yml, atomically: true, encoding: .utf8)
    }
    for role in ["viewer", "editor", "sender", "admin"] {
      try Self.run(["users", "add", "The \(role)", "--email", Self.email(role), "--role", role], in: root, input: Self.password + "\n")
    }
    server = try BackgroundProcess.herald(
      ["serve", "--port", "\(port)", "--desk-port", "0"] + (relay.map { ["--smtp", $0] } ?? ["--no-deliver"]), in: root)
    guard try server.waitForOutput("Listening on http://127.0.0.1:([0-9]+)") == "\(port)",
      let deskPort = try server.waitForOutput("The desk listens on http://127.0.0.1:([0-9]+)")
    else {
      server.stop()
      throw HeraldProcess.SetupFailed(description: "herald serve did not start its site on \(port) and its desk:\n\(server.output)")
    }
    desk = "http://127.0.0.1:\(deskPort)"
  }

  deinit { server.stop() }

  /// The desk account of `role`, for a browser to sign in with.
  package func account(_ role: String) -> PageAudit.Account {
    PageAudit.Account(desk: desk, email: Self.email(role), password: Self.password)
  }

  /// `herald preview` of the sample release for `recipient` into a new folder: its
  /// message.html, message.eml and message.txt.
  package func preview(for recipient: String) throws -> URL {
    let folder = try HeraldProcess.temporaryDirectory()
    try Self.run(["preview", "Releases/\(Self.sampleRelease)", "--to", recipient, "--out", folder.path, "--deterministic"], in: root)
    return folder
  }

  /// The path of `recipient`'s unsubscribe page, from the List-Unsubscribe header of the
  /// message `herald preview` composes for them (a real, signed token).
  package func unsubscribePath(for recipient: String) throws -> String {
    let message = try String(contentsOf: try preview(for: recipient).appendingPathComponent("message.eml"), encoding: .utf8)
    guard let range = message.range(of: #"\#(web)/unsubscribe/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"#, options: .regularExpression) else {
      throw HeraldProcess.SetupFailed(description: "the previewed message to \(recipient) has no unsubscribe link on \(web)")
    }
    return String(message[range].dropFirst(web.count))
  }

  /// The path of the confirmation page in the newest confirmation message waiting in the
  /// Outbox (a subscription to a double opt-in list sends one, soon after its answer); nil
  /// when none has come within `timeout` seconds.
  package func confirmationPath(timeout: TimeInterval = 20) -> String? {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      if let path = newestConfirmationPath() { return path }
      Thread.sleep(forTimeInterval: 0.05)
    } while Date() < deadline
    return nil
  }

  private func newestConfirmationPath() -> String? {
    let queue = root.appendingPathComponent("Outbox/queue")
    let files = (try? FileManager.default.contentsOfDirectory(at: queue, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
    let newestFirst = files.sorted {
      let one = (try? $0.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
      let two = (try? $1.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
      return one > two
    }
    for file in newestFirst {
      // The text part is quoted-printable: undo its soft line breaks to read the link.
      let text = String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
      if let range = text.range(of: #"\#(web)/confirm/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"#, options: .regularExpression) {
        return String(text[range].dropFirst(web.count))
      }
    }
    return nil
  }

  /// Subscribes `email` to `list` through the public form, as curl (a person's browser would
  /// do the same), and returns the HTTP status.
  package func subscribe(_ email: String, to list: String = "press-en") throws -> Int {
    let form = try Curl.run(["\(web)/subscribe/\(list)"])
    guard let match = form.body.firstMatch(of: /name="form_token" value="([^"]+)"/) else {
      throw HeraldProcess.SetupFailed(description: "the subscription form of \(list) has no form token (\(form.status)):\n\(form.body)")
    }
    return try Curl.run([
      "-X", "POST", "-H", "Origin: \(web)", "--data-urlencode", "form_token=\(match.1)", "--data-urlencode", "email=\(email)",
      "--data-urlencode", "name=Kim Example", "--data-urlencode", "consent=yes", "--data-urlencode", "website=", "\(web)/subscribe/\(list)",
    ]).status
  }

  private static func run(_ arguments: [String], in root: URL, input: String? = nil) throws {
    let result = try HeraldProcess.run(arguments, in: root, input: input)
    guard result.status == 0 else {
      throw HeraldProcess.SetupFailed(description: "herald \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
    }
  }
}
