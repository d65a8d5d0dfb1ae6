import Foundation

/// An SMTP server on 127.0.0.1 that plays one transport scenario (Tests/Oracles/smtp_scenarios.py,
/// aiosmtpd): STARTTLS, implicit TLS, AUTH, or a silent peer; recipients choose the faults
/// ("closing" 421 and hang up, "drop" mid-DATA, "stall" after DATA, "slow" 0.2 s after DATA,
/// "reject" 550 5.1.1 …).
/// Started for one test, on its own port, and stopped when this is released.
package final class ScenarioSMTPServer {
  /// What the server does besides plain SMTP.
  package enum Mode: String, Sendable {
    /// No TLS, no AUTH.
    case plain
    /// STARTTLS required before MAIL, with a self-signed certificate for 127.0.0.1.
    case starttls
    /// TLS from the first byte (smtps://), with the same kind of certificate.
    case smtps
    /// STARTTLS, then AUTH PLAIN (the only mechanism offered) required.
    case authPlain = "auth-plain"
    /// STARTTLS, then AUTH LOGIN (the only mechanism offered) required.
    case authLogin = "auth-login"
    /// Accepts connections and never sends its greeting.
    case silent

    var usesCertificate: Bool { [.starttls, .smtps, .authPlain, .authLogin].contains(self) }
  }

  /// One message the server accepted.
  package struct Message: Sendable {
    /// The exact bytes after dot-unstuffing.
    package var bytes: [UInt8]
    /// The envelope sender.
    package var sender: String
    /// The envelope recipients.
    package var recipients: [String]
    /// Which of the server's connections it came on: 1 for the first, 2 for the next, …
    package var connection: Int
    /// Whether that connection was encrypted (STARTTLS or implicit TLS).
    package var tls: Bool
    /// The AUTH user name of that connection, if it authenticated.
    package var login: String?
  }

  /// One AUTH attempt as the server saw it.
  package struct AuthAttempt: Sendable, Equatable {
    /// "PLAIN" or "LOGIN".
    package var mechanism: String
    /// The user name the client sent.
    package var username: String
    /// The password the client sent.
    package var password: String
    /// Whether the attempt came over TLS.
    package var tls: Bool
    /// Whether the server accepted it.
    package var success: Bool

    /// Makes an attempt to compare with what the server saw.
    package init(mechanism: String, username: String, password: String, tls: Bool, success: Bool) {
      self.mechanism = mechanism
      self.username = username
      self.password = password
      self.tls = tls
      self.success = success
    }
  }

  /// The server could not be started.
  package struct StartError: Error, CustomStringConvertible {
    /// What went wrong and what to do.
    package var description: String
  }

  /// The port it listens on.
  package let port: Int
  /// The mode it plays.
  package let mode: Mode
  /// The self-signed certificate it presents (PEM), to give a client as its CA file.
  package let certificateFile: URL
  private let directory: URL
  private let server: BackgroundProcess

  /// Starts the server and waits (up to 20 s) until it listens.
  /// - Parameters:
  ///   - mode: what it plays.
  ///   - username: the AUTH user name it accepts (AUTH modes).
  ///   - password: the AUTH password it accepts (AUTH modes); handed over in a file, not argv.
  ///   - pipelining: whether EHLO offers PIPELINING (RFC 2920); `pipelinedMails()` then
  ///     tells how each transaction's commands came.
  /// - Throws: `StartError` when openssl or the server cannot be started.
  package init(_ mode: Mode, username: String = "press", password: String = "", pipelining: Bool = false) throws {
    self.mode = mode
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-scenario-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    certificateFile = directory.appendingPathComponent("cert.pem")
    if mode.usesCertificate {
      try Self.makeCertificate(in: directory)
    }
    let credentials = try JSONSerialization.data(withJSONObject: ["username": username, "password": password])
    try credentials.write(to: directory.appendingPathComponent("credentials.json"))

    let portFile = directory.appendingPathComponent("port")
    server = try BackgroundProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["python3", PythonOracle.scriptsDirectory.appendingPathComponent("smtp_scenarios.py").path, portFile.path, directory.path, mode.rawValue]
        + (pipelining ? ["pipelining"] : []))
    guard let found = server.waitForPort(in: portFile) else {
      server.stop()
      try? FileManager.default.removeItem(at: directory)
      throw StartError(description: "smtp_scenarios.py \(mode.rawValue) did not start (is aiosmtpd installed? run scripts/bootstrap):\n\(server.output)")
    }
    port = found
  }

  deinit {
    // SIGTERM; SIGKILL should it not stop (a blocked SIGTERM).
    server.stop(SIGTERM)
    try? FileManager.default.removeItem(at: directory)
  }

  /// A self-signed certificate and key for 127.0.0.1 and localhost, valid for 2 days.
  private static func makeCertificate(in directory: URL) throws {
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    openssl.arguments = [
      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout", directory.appendingPathComponent("key.pem").path, "-out", directory.appendingPathComponent("cert.pem").path,
    ]
    openssl.standardOutput = FileHandle.nullDevice
    openssl.standardError = FileHandle.nullDevice
    do {
      try openssl.run()
    } catch {
      throw StartError(description: "could not run openssl to make a test certificate (\(error)); install openssl")
    }
    openssl.waitUntilExit()
    guard openssl.terminationStatus == 0 else {
      throw StartError(description: "openssl req -x509 exited with status \(openssl.terminationStatus) making a test certificate")
    }
  }

  /// The messages it accepted, in order.
  package func received() throws -> [Message] {
    let maildir = directory.appendingPathComponent("mail")
    var result: [Message] = []
    var number = 1
    while FileManager.default.fileExists(atPath: maildir.appendingPathComponent("\(number).json").path) {
      let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: maildir.appendingPathComponent("\(number).json"))) as! [String: Any]
      let bytes = try [UInt8](Data(contentsOf: maildir.appendingPathComponent("\(number).eml")))
      result.append(
        Message(
          bytes: bytes, sender: envelope["from"] as? String ?? "", recipients: envelope["to"] as? [String] ?? [],
          connection: envelope["connection"] as? Int ?? 0, tls: envelope["tls"] as? Bool ?? false, login: envelope["login"] as? String))
      number += 1
    }
    return result
  }

  /// Every MAIL FROM it was sent, in order (the address of each).
  package func mailFromCommands() throws -> [String] {
    let file = directory.appendingPathComponent("mail_from.log")
    guard FileManager.default.fileExists(atPath: file.path) else { return [] }
    return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  /// For each MAIL FROM, in order, whether the commands after it came in the same write
  /// (a server started with `pipelining` only).
  package func pipelinedMails() throws -> [Bool] {
    let file = directory.appendingPathComponent("pipelined.log")
    guard FileManager.default.fileExists(atPath: file.path) else { return [] }
    return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { $0 == "1" }
  }

  /// For each message it accepted, in order, whether the next transaction's commands came
  /// with the message's end (a server started with `pipelining` only).
  package func pipelinedAfterMessages() throws -> [Bool] {
    let file = directory.appendingPathComponent("ahead.log")
    guard FileManager.default.fileExists(atPath: file.path) else { return [] }
    return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { $0 == "1" }
  }

  /// Every AUTH attempt it saw, in order.
  package func authAttempts() throws -> [AuthAttempt] {
    let file = directory.appendingPathComponent("auth.jsonl")
    guard FileManager.default.fileExists(atPath: file.path) else { return [] }
    return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      return AuthAttempt(
        mechanism: object["mechanism"] as? String ?? "", username: object["username"] as? String ?? "",
        password: object["password"] as? String ?? "", tls: object["tls"] as? Bool ?? false, success: object["success"] as? Bool ?? false)
    }
  }
}
