import Foundation

/// A Python script in Tests/Browser that drives Debian's Chromium through Playwright (with
/// `desk_browser.py`: sign-in, phone and desktop sizes, axe-core, screenshots), run from a
/// Swift test: the test starts the real servers, sends the script what to do as JSON on
/// standard input, reads its JSON result from standard output, and judges it in Swift.
///
/// Tests that use it are enabled only when ``isAvailable`` (python3 can import Playwright and
/// axe); `scripts/bootstrap` installs both, so on a machine it has set up they always run.
package struct BrowserScript: Sendable {
  /// The folder of browser scripts, Tests/Browser.
  package static let directory = PythonOracle.repositoryRoot.appendingPathComponent("Tests/Browser", isDirectory: true)

  /// The script's file.
  package var file: URL

  /// The script `name` ("audit_pages.py") in Tests/Browser.
  package init(_ name: String) {
    file = Self.directory.appendingPathComponent(name)
  }

  /// Why browser scripts cannot run here (python3 missing, or Playwright or axe not
  /// importable), with what to do; nil when they can. Found out once, when first asked.
  package static let unavailableReason: String? = {
    let check = "import playwright.sync_api, axe_playwright_python.sync_playwright"
    do {
      let outcome = try run(["-c", check], input: Data(), timeout: 120)
      guard outcome.timedOut || outcome.status != 0 else { return nil }
      let why = outcome.timedOut ? "did not finish in 120 s" : "failed: \(outcome.stderr.split(separator: "\n").last ?? "")"
      return "python3 -c '\(check)' \(why); scripts/bootstrap installs them (pip: playwright axe-playwright-python)"
    } catch {
      return "\(error)"
    }
  }()

  /// Whether browser scripts can run here; see ``unavailableReason``.
  package static var isAvailable: Bool { unavailableReason == nil }

  /// Where a test keeps the screenshots it takes: `NAME` in the tests' artefacts folder
  /// (`.build/test-artifacts`, or $HERALD_TEST_ARTIFACTS), emptied first.
  package static func artefacts(_ name: String) -> URL {
    let folder = HeadlessBrowser.artifactsDirectory.appendingPathComponent(name, isDirectory: true)
    try? FileManager.default.removeItem(at: folder)
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// Runs `python3 SCRIPT` with `input` as JSON on standard input and decodes its standard
  /// output as `Output`.
  /// - Throws: `BrowserScriptError` when the script cannot start, fails, is still running
  ///   after `timeout` seconds (it and its browser are then killed), or prints no such JSON;
  ///   the error carries the end of its standard error.
  package func run<Input: Encodable, Output: Decodable>(_ input: Input, as output: Output.Type, timeout: TimeInterval = 300) throws -> Output {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let stdout = try run(input: try encoder.encode(input), timeout: timeout)
    do {
      return try JSONDecoder().decode(Output.self, from: stdout.output)
    } catch {
      let text = String(decoding: stdout.output.prefix(2_000), as: UTF8.self)
      throw BrowserScriptError(
        .badOutput, "\(file.lastPathComponent) printed something that is not the JSON expected (\(error)): \(text)", stderr: stdout.stderr)
    }
  }

  /// Runs the script with `input` on standard input; its standard output and error.
  package func run(input: Data, timeout: TimeInterval = 300) throws -> (output: Data, stderr: String) {
    let name = file.lastPathComponent
    guard FileManager.default.fileExists(atPath: file.path) else {
      throw BrowserScriptError(.failed, "there is no browser script \(file.path)", stderr: "")
    }
    let outcome = try Self.run([file.path], input: input, timeout: timeout)
    if outcome.timedOut {
      throw BrowserScriptError(.timedOut, "\(name) was still running after \(Int(timeout)) s and was killed", stderr: outcome.stderr)
    }
    switch outcome.status {
    case 0: return (outcome.stdout, outcome.stderr)
    case Self.unavailableStatus:
      throw BrowserScriptError(.unavailable, "\(name) cannot use Playwright here", stderr: outcome.stderr)
    default:
      throw BrowserScriptError(.failed, "\(name) exited with status \(outcome.status)", stderr: outcome.stderr)
    }
  }

  /// The exit status of a script whose browser tools are missing (desk_browser.UNAVAILABLE).
  static let unavailableStatus: Int32 = 77

  /// Runs `python3 ARGUMENTS…` in the scripts' folder; killed, with everything it started,
  /// after `timeout` seconds.
  private static func run(_ arguments: [String], input: Data, timeout: TimeInterval) throws -> (
    status: Int32, timedOut: Bool, stdout: Data, stderr: String
  ) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("herald-browser-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let inURL = scratch.appendingPathComponent("stdin")
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    try input.write(to: inURL)
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    // Files, not pipes: a pipe nobody reads would stop a script that prints a lot.
    let stdin = try FileHandle(forReadingFrom: inURL)
    let stdout = try FileHandle(forWritingTo: outURL)
    let stderr = try FileHandle(forWritingTo: errURL)
    defer {
      try? stdin.close()
      try? stdout.close()
      try? stderr.close()
    }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["PYTHONIOENCODING"] = "utf-8"
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    // Playwright never downloads a browser: it is given /usr/bin/chromium.
    environment["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    process.environment = environment
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    do {
      try process.run()
    } catch {
      throw BrowserScriptError(.unavailable, "could not start python3 (\(error)); install Python 3 and put it on PATH", stderr: "")
    }
    let pid = process.processIdentifier
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let timedOut = process.isRunning
    // Foundation starts the child as the leader of its own process group, and Playwright's
    // driver and Chromium's processes are in it. SIGKILL, because children of the test runner
    // inherit a blocked SIGTERM; after a normal exit this ends anything left behind.
    kill(-pid, SIGKILL)
    if timedOut { kill(pid, SIGKILL) }
    process.waitUntilExit()
    let errors = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
    return (
      timedOut ? -1 : process.terminationStatus, timedOut, (try? Data(contentsOf: outURL)) ?? Data(),
      errors.split(separator: "\n", omittingEmptySubsequences: true).suffix(60).joined(separator: "\n")
    )
  }
}

/// Why a browser script failed, with the end of what it wrote to standard error.
package struct BrowserScriptError: Error, Sendable, CustomStringConvertible {
  /// What kind of failure.
  package struct Code: Hashable, Sendable {
    private enum Base { case unavailable, failed, timedOut, badOutput }
    private let base: Base
    /// python3, Playwright or axe is missing: scripts/bootstrap installs them.
    package static var unavailable: Self { Self(base: .unavailable) }
    /// The script exited with a status other than 0.
    package static var failed: Self { Self(base: .failed) }
    /// The script was still running at the timeout and was killed.
    package static var timedOut: Self { Self(base: .timedOut) }
    /// The script's standard output is not the JSON the test expects.
    package static var badOutput: Self { Self(base: .badOutput) }
  }

  /// What kind of failure.
  package var code: Code
  /// What failed.
  package var message: String
  /// The end of the script's standard error (a Python traceback, Playwright's call log).
  package var stderr: String

  /// Makes an error.
  package init(_ code: Code, _ message: String, stderr: String) {
    self.code = code
    self.message = message
    self.stderr = stderr
  }

  package var description: String {
    stderr.isEmpty ? "\(message) (it wrote nothing to standard error)" : "\(message); its standard error ends:\n\(stderr)"
  }
}
