import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldWorkspace
import Logging

/// The options every command on a workspace takes: which workspace, and how much to log.
struct WorkspaceOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "The workspace folder (default: the current folder or the nearest one above it with a herald.yml, as git finds its repository).",
      valueName: "DIR"))
  var workspace: String?

  @Flag(help: "Log what Herald does to standard error (HERALD_LOG=trace shows the SMTP dialogue too).")
  var verbose = false

  /// The workspace.
  var value: Workspace {
    if let workspace { return Workspace(root: URL(fileURLWithPath: workspace, isDirectory: true)) }
    let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    return Workspace.enclosing(here) ?? Workspace(root: here)
  }

  /// A logger for the libraries.
  var logger: Logger { Logs.logger() }

  /// The workspace's subscriber store, opened (and created or migrated) on first use.
  func store() throws -> SubscriberStore {
    let store = try value.openStore(logger: logger)
    Self.sayTightened(store)
    return store
  }

  /// Times as people read them: in herald.yml's `time_zone:`, with the zone named.
  func localTime() throws -> LocalTime {
    LocalTime(timeZone: try value.configuration().compose.timeZone)
  }

  /// The workspace's outgoing mail: configuration, store, Outbox and DKIM keys.
  func mailroom() throws -> Mailroom {
    let mailroom = try Mailroom(workspace: value, logger: logger)
    Self.sayTightened(mailroom.store)
    return mailroom
  }

  /// Says which of the store's files were readable by others and are owner-only now (once:
  /// the next run finds them so).
  private static func sayTightened(_ store: SubscriberStore) {
    for file in store.tightenedFiles { Terminal.warning("\(file)") }
  }
}
