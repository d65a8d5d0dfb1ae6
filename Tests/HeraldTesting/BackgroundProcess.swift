import Foundation

/// A program running beside a test (a relay, `herald sink`, a `herald send` to kill), its
/// standard output and error going to one file. It is killed when released.
package final class BackgroundProcess {
  /// The process identifier, for signals.
  package let pid: Int32
  private let process: Process
  private let directory: URL
  private let outputURL: URL

  /// Starts `executable ARGUMENTS…` in `directory` (the current folder if nil) with NO_COLOR set.
  /// - Throws: when the program cannot be started.
  package init(_ executable: URL, _ arguments: [String], in workingDirectory: URL? = nil) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    outputURL = directory.appendingPathComponent("output")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    // Through a file rather than a pipe: a pipe nobody reads would stop the child when full.
    let output = try FileHandle(forWritingTo: outputURL)
    defer { try? output.close() }
    process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    process.environment = environment
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    pid = process.processIdentifier
  }

  /// Starts the built `herald ARGUMENTS…` in `directory`.
  package static func herald(_ arguments: [String], in directory: URL) throws -> BackgroundProcess {
    try BackgroundProcess(HeraldProcess.binary, arguments, in: directory)
  }

  deinit {
    if process.isRunning { kill(pid, SIGKILL) }
    process.waitUntilExit()
    try? FileManager.default.removeItem(at: directory)
  }

  /// Whether it is still running.
  package var isRunning: Bool { process.isRunning }

  /// What it has written so far, standard output and error together.
  package var output: String {
    String(decoding: (try? Data(contentsOf: outputURL)) ?? Data(), as: UTF8.self)
  }

  /// Waits until its output has a match for `pattern` and returns the match's first group
  /// (or the whole match); nil if it exits or `timeout` seconds pass first.
  package func waitForOutput(_ pattern: String, timeout: TimeInterval = 20) throws -> String? {
    let expression = try NSRegularExpression(pattern: pattern)
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let running = process.isRunning
      let text = output
      if let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) {
        let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
        return Range(range, in: text).map { String(text[$0]) }
      }
      if !running { return nil }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return nil
  }

  /// Waits until a server has written the port it listens on to `file` (written whole, by
  /// rename) and returns it; nil if it exits or `timeout` seconds pass first.
  package func waitForPort(in file: URL, timeout: TimeInterval = 20) -> Int? {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if let text = try? String(contentsOf: file, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
        return port
      }
      guard process.isRunning else { return nil }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return nil
  }

  /// Sends `signal` (SIGKILL by default) and waits until it has exited; SIGKILL after 5 s.
  ///
  /// A child started from a test thread inherits that thread's blocked signals: smtp-sink,
  /// for one, then never sees SIGTERM. SIGKILL cannot be blocked.
  package func stop(_ signal: Int32 = SIGKILL) {
    if process.isRunning { kill(pid, signal) }
    if signal != SIGKILL && wait(timeout: 5) == nil { kill(pid, SIGKILL) }
    process.waitUntilExit()
  }

  /// Waits (up to `timeout` seconds) for it to exit and returns its status; nil on timeout.
  package func wait(timeout: TimeInterval = 60) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    return process.isRunning ? nil : process.terminationStatus
  }

  /// A free TCP port on 127.0.0.1 right now (for servers that cannot be given port 0).
  package static func freePort() throws -> Int {
    try ClosedPort().port  // released at once: free for the server to take
  }
}

/// A TCP port on 127.0.0.1 that nothing listens on, for as long as this is held: a socket is
/// bound to it and never listens, so a connection is refused at once and no other process
/// can take the port meanwhile (no server to stop, no waiting for its port to be free).
package final class ClosedPort {
  /// The port.
  package let port: Int
  private let socket: Int32

  /// Binds a free port.
  package init() throws {
    let descriptor = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else {
      close(descriptor)
      throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EADDRINUSE)
    }
    socket = descriptor
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close(socket) }
}
