import Foundation

/// Runs the built `herald` binary, as a person or a script would, and captures what it
/// printed and its exit status: the basis of the end-to-end tests.
package enum HeraldProcess {
  /// What a run printed and how it ended.
  package struct Result: Sendable {
    /// The exit status.
    package var status: Int32
    /// Standard output.
    package var stdout: String
    /// Standard error.
    package var stderr: String
  }

  /// The herald binary: $HERALD_BINARY, or `herald` beside the test bundle in the build folder.
  package static var binary: URL {
    if let path = ProcessInfo.processInfo.environment["HERALD_BINARY"] { return URL(fileURLWithPath: path) }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    // The runner may be inside the .xctest bundle (…/debug/HeraldPackageTests.xctest/…).
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("herald")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory.deleteLastPathComponent()
    }
    return PythonOracle.repositoryRoot.appendingPathComponent(".build/debug/herald")
  }

  /// Runs `herald ARGUMENTS…` in `directory` with NO_COLOR set and no terminal.
  /// - Parameter input: what standard input holds (a password, for `herald users`); empty when nil.
  package static func run(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:], input: String? = nil) throws -> Result {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("herald-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("out")
    let errURL = scratch.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    defer {
      try? out.close()
      try? err.close()
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    environment.merge(extra) { $1 }
    process.environment = environment
    process.standardOutput = out
    process.standardError = err
    if let input {
      let inURL = scratch.appendingPathComponent("in")
      try Data(input.utf8).write(to: inURL)
      process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
      process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus,
      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
  }

  /// A new empty folder for one test.
  package static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A command that failed while a test was setting up.
  package struct SetupFailed: Error, CustomStringConvertible {
    package var description: String
  }

  /// A fresh workspace (`herald init .`) in a new temporary folder.
  /// - Throws: `SetupFailed` with herald's error output if `init` fails.
  package static func workspace() throws -> URL {
    let root = try temporaryDirectory()
    try runChecked(["init", "."], in: root)
    return root
  }

  /// A fresh workspace whose list `list` has `count` subscribers, reader0@example.com,
  /// reader1@example.com… (`prefix` before "reader": "slow-" asks a scenario relay to take
  /// its time), imported from a CSV file.
  /// - Returns: The workspace folder and the addresses, in order.
  package static func workspace(list: String, readers count: Int, prefix: String = "") throws -> (root: URL, addresses: [String]) {
    let root = try workspace()
    try runChecked(["lists", "create", list], in: root)
    let addresses = (0..<count).map { "\(prefix)reader\($0)@example.com" }
    let csv = "email,name\n" + addresses.enumerated().map { "\($1),Reader \($0)\n" }.joined()
    try Data(csv.utf8).write(to: root.appendingPathComponent("\(list).csv"))
    try runChecked(["lists", "import", list, "\(list).csv"], in: root)
    return (root, addresses)
  }

  /// Adds `text` (sections of herald.yml) to the end of a workspace's herald.yml.
  package static func append(_ text: String, toConfigurationIn root: URL) throws {
    let file = root.appendingPathComponent("herald.yml")
    try (String(contentsOf: file, encoding: .utf8) + "\n" + text).write(to: file, atomically: true, encoding: .utf8)
  }

  private static func runChecked(_ arguments: [String], in directory: URL) throws {
    let result = try run(arguments, in: directory)
    guard result.status == 0 else {
      throw SetupFailed(description: "herald \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
    }
  }
}

