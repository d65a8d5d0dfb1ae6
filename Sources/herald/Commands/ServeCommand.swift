import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDesk
import HeraldInbox
import HeraldWeb
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the public web server: one-click unsubscribe, subscription forms, the contact form, the release archive.",
    discussion: """
      It listens on 127.0.0.1 unless herald.yml's web.host or --host says otherwise: put it \
      behind a reverse proxy that terminates TLS at base_url (README: “The web server”). \
      The mail it writes (confirmations, contact notices) goes to the Outbox and, when a relay \
      is configured, is delivered by the server itself; with --no-deliver a running \
      “herald deliver --watch” sends it. With an inbox: section in herald.yml it also reads \
      the mailbox every inbox.interval. SIGINT or SIGTERM stop it gracefully: requests and \
      SMTP transactions in flight finish (at most --grace seconds, 20 by default; then what is \
      still sending goes back to the queue), and it exits 0. \
      It also runs the desk, the press office's signed-in pages, on a listener of its own \
      (herald.yml's desk:, 127.0.0.1:8081 by default; with --port 0 and no --desk-port, a \
      free port too); --no-desk leaves it out. Accounts: herald users.
      """
  )

  @OptionGroup var options: WorkspaceOptions
  @Option(help: ArgumentHelp("The address to listen on (default: web.host, 127.0.0.1).", valueName: "ADDRESS")) var host: String?
  @Option(help: ArgumentHelp("The port (default: web.port, 8080; 0 picks a free one).", valueName: "PORT")) var port: Int?
  @Option(help: ArgumentHelp("The relay to deliver through, overriding herald.yml.", valueName: "URL")) var smtp: String?
  @Flag(name: .customLong("no-deliver"), help: "Only enqueue mail; leave delivery to herald deliver --watch.") var noDeliver = false
  @Option(name: .customLong("desk-port"), help: ArgumentHelp("The desk's port (default: desk.port, 8081; 0 picks a free one).", valueName: "PORT"))
  var deskPort: Int?
  @Flag(name: .customLong("no-desk"), help: "Do not run the desk, even when herald.yml's desk.enabled is true.") var noDesk = false
  @Flag(name: .customLong("no-inbox"), help: "Do not read the mailbox, even when herald.yml has an inbox: section.") var noInbox = false
  @Option(help: ArgumentHelp("After SIGTERM or SIGINT, how long requests and SMTP transactions in flight may take to finish, in seconds; what is still sending then goes back to the queue.", valueName: "SECONDS"))
  var grace: Double = 20

  func validate() throws {
    if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
    if let deskPort, !(0...65_535).contains(deskPort) { throw ValidationError("--desk-port must be from 0 to 65535") }
    guard grace >= 0 && grace <= 3600 else { throw ValidationError("--grace must be from 0 to 3600 seconds") }
  }

  func run() async throws {
    let mailroom = try options.mailroom()
    let server = try WebServer(mailroom: mailroom, logger: options.logger)
    let configuration = mailroom.configuration
    let host = self.host ?? configuration.web.host
    let port = self.port ?? configuration.web.port
    var services: [any Service] = []
    let relay = noDeliver ? nil : try mailroom.configuredRelay(override: smtp)
    if let relay {
      // Requests first: the campaign takes the CPU they leave.
      let session = mailroom.deliverySession(relay: relay, priority: .background, onWarning: { Terminal.warning($0) })
      services.append(DeliveryService(session: session, interval: .seconds(10), onEvent: DeliveryEvents.report))
    }
    let reading: String?
    if !noInbox, let settings = configuration.inbox {
      let mailbox = try mailroom.mailbox()
      let inbox = try Inbox(mailroom: mailroom, logger: options.logger)
      services.append(InboxFetchService(
        inbox: inbox, mailbox: mailbox, after: settings.after, interval: .seconds(settings.interval), onEvent: InboxEvents.report(json: false)))
      reading = "\(Inbox.redacted(mailbox.url)) (every \(TimeSpan.describe(settings.interval)))"
    } else {
      reading = nil
    }
    // The desk starts once the public site listens: the first line stays the site's address.
    let openDesk: @Sendable () -> Void
    if !noDesk, configuration.desk.enabled {
      // The desk's sends are delivered by this process's DeliveryService, when it runs one.
      let desk = try DeskServer(mailroom: mailroom, delivery: relay.map { $0.url ?? "the relay" }, logger: options.logger)
      let deskHost = configuration.desk.host
      // --port 0 (tests, scripts) picks a free port for the desk too, unless told otherwise.
      let deskPort = self.deskPort ?? (self.port == 0 ? 0 : configuration.desk.port)
      let custom = desk.customTemplates
      let (gated, open) = GatedService.make(desk.service(host: deskHost, port: deskPort) { port in
        let shown = deskHost.contains(":") ? "[\(deskHost)]" : deskHost
        Terminal.sayNow("The desk listens on http://\(shown):\(port) (its address: \(desk.address)); accounts: herald users.")
        if !custom.isEmpty { Terminal.sayNow("Desk pages: the workspace's own \(custom.joined(separator: ", ")) (Templates/desk/).") }
      })
      services.append(gated)
      // Deadlines' reminders to the inquiries' assignees, checked every minute.
      if let reminders = desk.reminderService() { services.append(reminders) }
      openDesk = open
    } else {
      openDesk = {}
    }
    let base = mailroom.site.baseURL
    let custom = server.customTemplates
    try await server.run(host: host, port: port, services: services, gracePeriod: .milliseconds(Int64(grace * 1000))) { port in
      let shown = host.contains(":") ? "[\(host)]" : host
      // The first line is for scripts and tests: the address to talk to.
      Terminal.sayNow("Listening on http://\(shown):\(port)")
      Terminal.sayNow("The public address is \(base) (base_url): a reverse proxy should forward it here.")
      Terminal.sayNow(custom.isEmpty ? "Pages: Herald's default templates." : "Pages: the workspace's own \(custom.joined(separator: ", ")) (Templates/web/), the rest Herald's defaults.")
      Terminal.sayNow(relay.map { "Mail it writes is delivered through \($0.url ?? "the relay")." }
        ?? "Mail it writes waits in the Outbox: run herald deliver --watch, or configure relay: in herald.yml.")
      if let reading { Terminal.sayNow("Reading the mailbox \(reading).") }
      Terminal.sayNow("Ctrl-C stops.")
      openDesk()
    }
    Terminal.say("Stopped.")
  }
}
