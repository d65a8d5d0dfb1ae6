import Foundation

/// Headless Chromium for tests: loads a page from a server the test started on 127.0.0.1
/// and gives back the DOM after load, or a PNG of what a person would see.
///
/// Every call starts a fresh browser with its own profile in a temporary folder (removed
/// afterwards), so calls share nothing and may run in parallel. The browser cannot reach
/// the internet: host names other than 127.0.0.1 and localhost do not resolve, and every
/// request that is not to a loopback address goes to a proxy that refuses it. (Chromium
/// otherwise asks Google's update and time servers on its own, whatever the page does.)
package struct HeadlessBrowser: Sendable {
  /// The Chromium (or Chrome) executable.
  package var executable: URL

  /// A browser run from `executable`.
  package init(executable: URL) {
    self.executable = executable
  }

  /// The first of chromium, chromium-browser and google-chrome found on PATH or in
  /// /usr/bin; nil when there is none (`scripts/bootstrap` installs Debian's chromium).
  package static func find() -> HeadlessBrowser? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + ["/usr/bin"]
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      for directory in directories where !directory.isEmpty {
        let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return HeadlessBrowser(executable: candidate) }
      }
    }
    return nil
  }

  /// Where tests put what a person may want to look at afterwards (screenshots):
  /// $HERALD_TEST_ARTIFACTS, or `.build/test-artifacts` in the package (git ignores
  /// .build). Made when first asked for.
  package static var artifactsDirectory: URL {
    let directory: URL
    if let path = ProcessInfo.processInfo.environment["HERALD_TEST_ARTIFACTS"], !path.isEmpty {
      directory = URL(fileURLWithPath: path, isDirectory: true)
    } else {
      directory = PythonOracle.repositoryRoot.appendingPathComponent(".build/test-artifacts", isDirectory: true)
    }
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  /// The DOM of the page at `url` once it has loaded, serialised as HTML (`--dump-dom`).
  /// - Throws: `HeadlessBrowserError` when the browser fails, prints nothing, or is still
  ///   running after `timeout` seconds (it is then killed).
  package func dumpDOM(_ url: String, timeout: TimeInterval = 30) throws -> String {
    let output = try run(["--dump-dom", url], url: url, timeout: timeout)
    let dom = String(decoding: output.stdout, as: UTF8.self)
    guard !dom.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw HeadlessBrowserError(.emptyOutput, "\(executable.path) --dump-dom \(url) printed no DOM", stderr: output.stderr)
    }
    return dom
  }

  /// Saves a PNG of the page at `url` in a `width`×`height` window (CSS pixels, scale 1,
  /// no scroll bars) to `file`.
  /// - Throws: `HeadlessBrowserError` when the browser fails, writes no PNG, or is still
  ///   running after `timeout` seconds (it is then killed).
  package func screenshot(_ url: String, width: Int, height: Int, to file: URL, timeout: TimeInterval = 30) throws {
    try? FileManager.default.removeItem(at: file)
    let output = try run(
      ["--screenshot=\(file.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", "--force-device-scale-factor=1", url],
      url: url, timeout: timeout)
    let png = (try? Data(contentsOf: file)) ?? Data()
    guard png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
      let what = png.isEmpty ? "wrote no screenshot to \(file.path)" : "wrote \(png.count) bytes to \(file.path) that are not a PNG"
      throw HeadlessBrowserError(.emptyOutput, "\(executable.path) --screenshot \(url) \(what)", stderr: output.stderr)
    }
  }

  /// Runs the browser headless with `arguments` after the common flags; its standard output
  /// and error.
  private func run(_ arguments: [String], url: String, timeout: TimeInterval) throws -> (stdout: Data, stderr: String) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("herald-chromium-\(UUID().uuidString)")
    let profile = scratch.appendingPathComponent("profile")
    try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    // The browser's proxy: held while the browser runs, so no other program takes the port.
    let refusing = try ClosedPort()
    defer { withExtendedLifetime(refusing) {} }

    let stdoutURL = scratch.appendingPathComponent("stdout")
    let stderrURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
    // Files, not pipes: a DOM larger than a pipe's buffer would stop a browser nobody reads.
    let stdoutFile = try FileHandle(forWritingTo: stdoutURL)
    let stderrFile = try FileHandle(forWritingTo: stderrURL)
    defer {
      try? stdoutFile.close()
      try? stderrFile.close()
    }

    let process = Process()
    process.executableURL = executable
    process.arguments = Self.flags(profile: profile, proxyPort: refusing.port) + arguments
    var environment = ProcessInfo.processInfo.environment
    // Chromium writes its NSS database and caches under $HOME: keep them in the scratch folder.
    environment["HOME"] = scratch.path
    environment["XDG_CONFIG_HOME"] = scratch.appendingPathComponent("config").path
    environment["XDG_CACHE_HOME"] = scratch.appendingPathComponent("cache").path
    process.environment = environment
    process.standardOutput = stdoutFile
    process.standardError = stderrFile
    process.standardInput = FileHandle.nullDevice
    let start = Date()
    try process.run()
    let pid = process.processIdentifier

    let deadline = start.addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    let timedOut = process.isRunning
    // Foundation starts the child as the leader of its own process group; the renderer,
    // GPU and utility processes are in it too. SIGKILL, because children of the test runner
    // inherit a blocked SIGTERM; after a normal exit this ends helpers left behind.
    kill(-pid, SIGKILL)
    if timedOut { kill(pid, SIGKILL) }
    process.waitUntilExit()

    let stderr = Self.meaningful(String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self))
    if timedOut {
      throw HeadlessBrowserError(
        .timedOut, "\(executable.path) was still loading \(url) after \(Self.seconds(timeout)) and was killed", stderr: stderr)
    }
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      let how = process.terminationReason == .exit ? "exited with status" : "was killed by signal"
      throw HeadlessBrowserError(
        .failed, "\(executable.path) \(how) \(process.terminationStatus) loading \(url)", stderr: stderr)
    }
    return ((try? Data(contentsOf: stdoutURL)) ?? Data(), stderr)
  }

  /// The flags for a headless run as root, with no display and no network but loopback.
  static func flags(profile: URL, proxyPort: Int) -> [String] {
    [
      // The new headless mode: the old one left the chromium binary in version 132.
      "--headless",
      // Chromium's sandbox will not run as root, which CI is.
      "--no-sandbox",
      "--disable-gpu",
      // /dev/shm is small in containers; Chromium crashes when it fills up.
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--no-default-browser-check",
      "--user-data-dir=\(profile.path)",
      "--disable-extensions",
      "--disable-sync",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-default-apps",
      "--no-pings",
      "--mute-audio",
      // No internet: names other than loopback do not resolve, and every request that is
      // not to a loopback address (those bypass any proxy) goes to a port that refuses.
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
      "--proxy-server=http://127.0.0.1:\(proxyPort)",
    ]
  }

  /// The standard error worth showing: without the D-Bus complaints (there is no bus in a
  /// container) that Chromium prints on every run, and the last 40 lines at most.
  static func meaningful(_ stderr: String) -> String {
    let lines = stderr.split(separator: "\n", omittingEmptySubsequences: true)
      .filter { !$0.contains("dbus") && !$0.contains("bus.cc") && !$0.contains("unexpected operator") }
    return lines.suffix(40).joined(separator: "\n")
  }

  private static func seconds(_ interval: TimeInterval) -> String {
    interval == interval.rounded() ? "\(Int(interval)) s" : "\(interval) s"
  }
}

/// Why a headless browser run failed, with what the browser printed.
package struct HeadlessBrowserError: Error, Sendable, CustomStringConvertible {
  /// What kind of failure.
  package struct Code: Hashable, Sendable {
    private enum Base { case failed, timedOut, emptyOutput }
    private let base: Base
    /// The browser exited with a status other than 0, or was killed by a signal.
    package static var failed: Self { Self(base: .failed) }
    /// The browser was still running at the timeout and was killed.
    package static var timedOut: Self { Self(base: .timedOut) }
    /// The browser exited normally but gave no DOM or no PNG.
    package static var emptyOutput: Self { Self(base: .emptyOutput) }
  }

  /// What kind of failure.
  package var code: Code
  /// What failed, with which page.
  package var message: String
  /// The end of the browser's standard error, without its routine noise.
  package var stderr: String

  /// Makes an error.
  package init(_ code: Code, _ message: String, stderr: String) {
    self.code = code
    self.message = message
    self.stderr = stderr
  }

  package var description: String {
    stderr.isEmpty ? "\(message) (it printed nothing on standard error)" : "\(message); its standard error ends:\n\(stderr)"
  }
}
