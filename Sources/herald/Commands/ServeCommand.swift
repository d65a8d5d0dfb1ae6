import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldWeb

struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the public web server: one-click unsubscribe, subscription forms, the contact form, the release archive.",
    discussion: """
      It listens on 127.0.0.1 unless herald.yml's web.host or --host says otherwise: put it \
      behind a reverse proxy that terminates TLS at base_url (README: “The web server”). \
      The mail it writes (confirmations, contact notices) goes to the Outbox and, when a relay \
      is configured, is delivered by the server itself; with --no-deliver a running \
      “herald deliver --watch” sends it. SIGINT or SIGTERM stop it.
      """
  )

  @OptionGroup var options: WorkspaceOptions
  @Option(help: ArgumentHelp("The address to listen on (default: web.host, 127.0.0.1).", valueName: "ADDRESS")) var host: String?
  @Option(help: ArgumentHelp("The port (default: web.port, 8080; 0 picks a free one).", valueName: "PORT")) var port: Int?
  @Option(help: ArgumentHelp("The relay to deliver through, overriding herald.yml.", valueName: "URL")) var smtp: String?
  @Flag(name: .customLong("no-deliver"), help: "Only enqueue mail; leave delivery to herald deliver --watch.") var noDeliver = false

  func validate() throws {
    if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
  }

  func run() throws {
    let mailroom = try options.mailroom()
    let server = try WebServer(mailroom: mailroom, logger: options.logger)
    let settings = mailroom.configuration.web
    let host = self.host ?? settings.host
    let port = self.port ?? settings.port
    let relay = noDeliver || (smtp == nil && mailroom.configuration.relay.url == nil) ? nil : try mailroom.relay(override: smtp)
    let session = relay.map { mailroom.deliverySession(relay: $0, onWarning: { Terminal.warning($0) }) }
    let failure = FailureBox()
    let done = DispatchSemaphore(value: 0)
    let base = mailroom.configuration.compose.baseURL
    let custom = server.customTemplates
    Task {
      do {
        try await server.run(host: host, port: port, delivery: session) { port in
          let shown = host.contains(":") ? "[\(host)]" : host
          // The first line is for scripts and tests: the address to talk to.
          Terminal.sayNow("Listening on http://\(shown):\(port)")
          Terminal.sayNow("The public address is \(base) (base_url): a reverse proxy should forward it here.")
          Terminal.sayNow(custom.isEmpty ? "Pages: Herald's default templates." : "Pages: the workspace's own \(custom.joined(separator: ", ")) (Templates/web/), the rest Herald's defaults.")
          Terminal.sayNow(relay.map { "Mail it writes is delivered through \($0.url ?? "the relay")." }
            ?? "Mail it writes waits in the Outbox: run herald deliver --watch, or configure relay: in herald.yml.")
          Terminal.sayNow("Ctrl-C stops.")
        }
      } catch {
        failure.set(error)
      }
      done.signal()
    }
    done.wait()
    if let error = failure.error { throw error }
    Terminal.say("Stopped.")
  }
}

/// An error handed from the server's task to the command's thread.
private final class FailureBox: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: (any Error)?
  func set(_ error: any Error) { lock.withLock { stored = error } }
  var error: (any Error)? { lock.withLock { stored } }
}
