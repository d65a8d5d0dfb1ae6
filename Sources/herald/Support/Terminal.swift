import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore

/// Output for people: colour only on a terminal and never with NO_COLOR set; problems go
/// to standard error. Text that others wrote (names, subjects, messages, a relay's replies)
/// is printed through `safe`, so that its control characters are shown, not obeyed: table
/// cells, warnings and errors always are; a line of `say` escapes the values it puts in.
enum Terminal {
  /// Text others wrote, with control and bidirectional characters shown escaped
  /// (`TerminalText.escaped`): `\r`, `\u{202E}`.
  static func safe(_ text: String) -> String {
    TerminalText.escaped(text)
  }

  /// Whether standard output (or error) is a terminal that wants colour.
  static func colours(_ descriptor: Int32) -> Bool {
    isatty(descriptor) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
      && ProcessInfo.processInfo.environment["TERM"] != "dumb"
  }

  enum Colour: String {
    case red = "31", yellow = "33", green = "32", bold = "1", dim = "2"
  }

  static func paint(_ text: String, _ colour: Colour, on descriptor: Int32 = STDOUT_FILENO) -> String {
    colours(descriptor) ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
  }

  /// Prints a line to standard output.
  static func say(_ text: String = "") {
    print(text)
  }

  /// Prints a line to standard output at once, unbuffered: for a long-running command
  /// whose output a script waits for (herald serve's address).
  static func sayNow(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
  }

  /// Prints a line to standard error.
  static func warn(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  /// Prints diagnostics as `file:line: error: message`, errors red, warnings yellow.
  static func report(_ diagnostics: [Diagnostic], to descriptor: Int32 = STDERR_FILENO) {
    for diagnostic in diagnostics {
      let label = switch diagnostic.severity {
      case .error: paint("error:", .red, on: descriptor)
      case .warning: paint("warning:", .yellow, on: descriptor)
      case .note: paint("note:", .bold, on: descriptor)
      }
      let location = diagnostic.line.map { "\(diagnostic.file):\($0):" } ?? "\(diagnostic.file):"
      let line = "\(safe(location)) \(label) \(safe(diagnostic.message))"
      if descriptor == STDERR_FILENO { warn(line) } else { say(line) }
    }
  }

  /// Reports a failure on standard error: a file's problems as `file:line: error: …`,
  /// anything else as "error: " and its message.
  static func report(_ error: any HeraldError) {
    if let error = error as? any DiagnosedError, !error.diagnostics.isEmpty {
      report(error.diagnostics)
      // A file's problems are the whole error; a campaign's explain the error that follows.
      if !(error is CampaignError) { return }
    }
    warn(paint("error:", .red, on: STDERR_FILENO) + " " + safe(error.message))
  }

  /// Prints a warning on standard error.
  static func warning(_ text: String) {
    warn(paint("warning:", .yellow, on: STDERR_FILENO) + " " + safe(text))
  }

  /// Prints rows as aligned columns; the first row is the header. Every cell is printed
  /// `safe`, on one line.
  /// - Parameter shrinking: columns that may be shortened (with "…") so that the table fits
  ///   the terminal's width (`width`), each with the narrowest it may become; the widest
  ///   is shortened first.
  static func table(_ rows: [[String]], rightAligned: Set<Int> = [], shrinking: [Int: Int] = [:]) {
    let rows = rows.map { $0.map { safe($0.replacingOccurrences(of: "\n", with: " ")) } }
    guard let first = rows.first else { return }
    var widths = Array(repeating: 0, count: first.count)
    for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
    if let limit = width, !shrinking.isEmpty {
      var excess = widths.reduce(2 * (widths.count - 1), +) - limit
      while excess > 0, let widest = shrinking.filter({ widths[$0.key] > $0.value }).max(by: { widths[$0.key] < widths[$1.key] })?.key {
        widths[widest] -= 1
        excess -= 1
      }
    }
    for (number, row) in rows.enumerated() {
      let line = row.enumerated().map { index, cell in
        let cell = cell.count > widths[index] ? cell.shortened(to: widths[index]) : cell
        return rightAligned.contains(index) ? cell.leftPadded(to: widths[index]) : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
      }.joined(separator: "  ").trimmingTrailingWhitespace()
      say(number == 0 ? paint(line, .bold) : line)
    }
  }

  /// How many columns a table may take: the terminal's, on a terminal; else $COLUMNS when
  /// set (a script or a test saying how wide); else none (a file takes whole lines).
  static var width: Int? {
    var size = winsize()
    if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
  }

  /// Runs `handler` on SIGINT or SIGTERM instead of dying, until the returned sources are
  /// cancelled: long runs stop cleanly rather than mid-write.
  static func onInterrupt(_ handler: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler(handler: handler)
      source.resume()
      return source
    }
  }

  /// A byte count for people: "18.2 kB".
  static func size(_ bytes: Int) -> String {
    bytes < 1000 ? "\(bytes) bytes" : String(format: "%.1f kB", Double(bytes) / 1000)
  }

  /// A path relative to the current folder when it is inside it.
  static func display(_ url: URL) -> String {
    let current = FileManager.default.currentDirectoryPath
    let path = url.standardizedFileURL.path
    if path == current || path == current + "/" { return "." }
    if path.hasPrefix(current + "/") { return String(path.dropFirst(current.count + 1)) }
    return path
  }
}

extension String {
  func trimmingTrailingWhitespace() -> String {
    var result = self
    while result.last == " " { result.removeLast() }
    return result
  }
}
