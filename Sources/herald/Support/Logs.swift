import Foundation
import Logging

/// swift-log for the libraries' loggers: to standard error, at the level `--verbose`
/// (debug) or HERALD_LOG (trace, debug, info, notice, warning, error, critical) asks for;
/// errors only otherwise, since the commands report what matters themselves.
enum Logs {
  /// The level in effect.
  nonisolated(unsafe) private(set) static var level: Logger.Level = .error

  /// Sets up logging once, before any logger is made.
  static func bootstrap(arguments: [String], environment: [String: String]) {
    if let name = environment["HERALD_LOG"]?.lowercased(), let chosen = Logger.Level(rawValue: name) {
      level = chosen
    } else if arguments.contains("--verbose") {
      level = .debug
    }
    let chosen = level
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = chosen
      return handler
    }
  }

  /// A logger for a part of Herald ("herald.smtp").
  static func logger(_ label: String = "herald") -> Logger {
    Logger(label: label)
  }
}
