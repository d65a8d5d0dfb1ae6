import Foundation

/// Runs Python scripts and snippets as independent oracles: Herald writes bytes, Python's
/// standard library reads them back, and tests compare what it read with what was meant.
package enum PythonOracle {
  /// The repository root, found from this file's place in it (Tests/HeraldTesting/PythonOracle.swift).
  package static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // HeraldTesting
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  /// The folder of oracle scripts, Tests/Oracles.
  package static let scriptsDirectory: URL = repositoryRoot.appendingPathComponent("Tests/Oracles")

  /// Runs `python3 SCRIPT ARGUMENTS…` with `stdin` and returns what it wrote to stdout.
  /// - Parameter script: a path relative to Tests/Oracles, or an absolute path.
  /// - Throws: `PythonOracleError` when python3 cannot be started or exits with a status other than 0.
  package static func run(script: String, arguments: [String] = [], stdin: [UInt8] = []) throws -> Data {
    let path = script.hasPrefix("/") ? script : scriptsDirectory.appendingPathComponent(script).path
    return try runPython([path] + arguments, stdin: stdin, what: (script as NSString).lastPathComponent)
  }

  /// Runs `python3 -c CODE` with `stdin` and returns what it wrote to stdout.
  /// - Throws: `PythonOracleError` when python3 cannot be started or exits with a status other than 0.
  package static func run(code: String, stdin: [UInt8] = []) throws -> Data {
    try runPython(["-c", code], stdin: stdin, what: "python3 -c snippet")
  }

  private static func runPython(_ arguments: [String], stdin: [UInt8], what: String) throws -> Data {
    var environment = ProcessInfo.processInfo.environment
    environment["PYTHONIOENCODING"] = "utf-8"
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return try runTool(
      "python3", arguments, stdin: stdin, what: what, environment: environment, missing: "install Python 3 and put it on PATH")
  }

  /// Runs `TOOL ARGUMENTS…` (found on PATH) with `stdin` and returns what it wrote to stdout.
  /// - Parameter missing: what to do when the tool cannot be started.
  /// - Throws: `PythonOracleError` when it cannot be started or exits with a status other than 0.
  static func runTool(
    _ tool: String, _ arguments: [String], stdin: [UInt8], what: String, environment: [String: String], missing: String
  ) throws -> Data {
    // Standard streams go through temporary files rather than pipes: a pipe that fills
    // while nobody reads it would stop the child, and files need no reader threads.
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("herald-python-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let inputURL = directory.appendingPathComponent("stdin")
    let outputURL = directory.appendingPathComponent("stdout")
    let errorURL = directory.appendingPathComponent("stderr")
    try Data(stdin).write(to: inputURL)
    try Data().write(to: outputURL)
    try Data().write(to: errorURL)

    let input = try FileHandle(forReadingFrom: inputURL)
    let output = try FileHandle(forWritingTo: outputURL)
    let error = try FileHandle(forWritingTo: errorURL)
    defer {
      try? input.close()
      try? output.close()
      try? error.close()
    }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.environment = environment
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    do {
      try process.run()
    } catch {
      throw PythonOracleError(
        command: what, status: nil, stderr: "could not start \(tool) (\(error)); \(missing)")
    }
    process.waitUntilExit()

    let stdout = (try? Data(contentsOf: outputURL)) ?? Data()
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      let stderr = (try? Data(contentsOf: errorURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
      throw PythonOracleError(command: what, status: process.terminationStatus, stderr: stderr)
    }
    return stdout
  }
}

/// An oracle (python3, perl) could not be started or exited with a failure status.
package struct PythonOracleError: Error, CustomStringConvertible {
  /// The script or snippet that was run.
  package var command: String
  /// The exit status, nil when python3 did not start.
  package var status: Int32?
  /// What python3 wrote to stderr.
  package var stderr: String

  package var description: String {
    let status = status.map { "exited with status \($0)" } ?? "did not start"
    return "\(command) \(status):\n\(stderr)"
  }
}

/// A message as Python's `email` package (policy.default) reads it; see Tests/Oracles/inspect_message.py.
package struct InspectedMessage: Decodable, Sendable {
  /// One mailbox of an address header.
  package struct Address: Decodable, Sendable, Equatable {
    /// The decoded display name, "" when there is none.
    package var displayName: String
    /// `local@domain`.
    package var addrSpec: String

    /// Makes an address to compare with what Python read.
    package init(displayName: String, addrSpec: String) {
      self.displayName = displayName
      self.addrSpec = addrSpec
    }

    enum CodingKeys: String, CodingKey {
      case displayName = "display_name"
      case addrSpec = "addr_spec"
    }
  }

  /// One non-multipart leaf.
  package struct Part: Decodable, Sendable {
    /// "text/plain".
    package var contentType: String
    /// The charset parameter, if any.
    package var charset: String?
    /// The Content-Transfer-Encoding, lowercased, if any.
    package var transferEncoding: String?
    /// `get_content()`: decoded text, or base64 of the bytes when `contentIsBase64`.
    package var content: String?
    /// Whether `content` is base64 of bytes rather than text.
    package var contentIsBase64: Bool?
    /// Why `get_content()` failed, if it did.
    package var error: String?

    enum CodingKeys: String, CodingKey {
      case contentType = "content_type"
      case charset
      case transferEncoding = "transfer_encoding"
      case content
      case contentIsBase64 = "content_is_base64"
      case error
    }
  }

  /// Every defect Python found on the message, its parts and their header fields.
  package var defects: [String]
  /// Decoded values of each top-level header field, in order.
  package var headers: [String: [String]]
  /// The mailboxes of each address header field.
  package var addresses: [String: [Address]]?
  /// The non-multipart leaves, in order.
  package var parts: [Part]
  /// The top-level content type.
  package var contentType: String
  /// The longest line of the raw bytes, without its line break.
  package var maxLineOctets: Int
  /// Whether the raw bytes contain an LF that does not follow a CR.
  package var bareLF: Bool
  /// Whether the raw bytes contain a CR that is not followed by an LF.
  package var bareCR: Bool
  /// Whether a multipart boundary occurs inside a leaf's encoded payload.
  package var boundaryInContent: Bool

  enum CodingKeys: String, CodingKey {
    case defects, headers, addresses, parts
    case contentType = "content_type"
    case maxLineOctets = "max_line_octets"
    case bareLF = "bare_lf"
    case bareCR = "bare_cr"
    case boundaryInContent = "boundary_in_content"
  }

  /// The values of a header field, matching its name without regard to case.
  package func header(_ name: String) -> [String] {
    headers.filter { $0.key.lowercased() == name.lowercased() }.flatMap(\.value)
  }
}

/// Reads `bytes` as a message with Python's `email` package (Tests/Oracles/inspect_message.py).
/// - Throws: `PythonOracleError` when the script fails, a decoding error when its output is not the expected JSON.
package func inspectMessage(_ bytes: [UInt8]) throws -> InspectedMessage {
  let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(UUID().uuidString).eml")
  try Data(bytes).write(to: file)
  defer { try? FileManager.default.removeItem(at: file) }
  let json = try PythonOracle.run(script: "inspect_message.py", arguments: [file.path])
  return try JSONDecoder().decode(InspectedMessage.self, from: json)
}

/// Runs an inline Python snippet with `stdin` and returns its stdout.
/// - Throws: `PythonOracleError` when the snippet fails.
package func python(_ code: String, stdin: [UInt8] = []) throws -> [UInt8] {
  Array(try PythonOracle.run(code: code, stdin: stdin))
}

/// What dkimpy made of a message's topmost DKIM-Signature; see Tests/Oracles/verify_dkim.py.
package struct DKIMVerdict: Decodable, Sendable {
  /// Whether the signature verified.
  package var valid: Bool
  /// The DNS names dkimpy looked up for the key, "SELECTOR._domainkey.DOMAIN.".
  package var queried: [String]
  /// What dkimpy logged: why a signature failed.
  package var log: String
}

extension PythonOracle {
  /// Verifies the topmost DKIM-Signature of `message` with dkimpy, answering its DNS
  /// query with `txtRecord` ("v=DKIM1; k=rsa; p=…").
  /// - Throws: `PythonOracleError` when the script fails (dkimpy missing), a decoding error
  ///   when its output is not the expected JSON.
  package static func verifyDKIM(message: [UInt8], txtRecord: String) throws -> DKIMVerdict {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dkim-\(UUID().uuidString).eml")
    try Data(message).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let json = try run(script: "verify_dkim.py", arguments: [file.path, txtRecord])
    return try JSONDecoder().decode(DKIMVerdict.self, from: json)
  }

  /// One DKIM-Signature of a message as dkimpy judged it.
  package struct DKIMSignatureVerdict: Decodable, Sendable {
    package var valid: Bool
    package var domain: String
    package var selector: String
    package var algorithm: String
    package var log: String
  }

  /// Verifies every DKIM-Signature of a message on its own with dkimpy, answering DNS from
  /// `records` (`SELECTOR._domainkey.DOMAIN` → the TXT value); topmost first.
  package static func verifyEachDKIMSignature(message: [UInt8], records: [String: String]) throws -> [DKIMSignatureVerdict] {
    struct Output: Decodable { var signatures: [DKIMSignatureVerdict] }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dkim-\(UUID().uuidString).eml")
    try Data(message).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let json = try run(script: "verify_dkim.py", arguments: ["--each", file.path] + records.map { "\($0.key)=\($0.value)" })
    return try JSONDecoder().decode(Output.self, from: json).signatures
  }
}
