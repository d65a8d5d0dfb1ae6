import Foundation

/// The scripted SMTP server of Tests/Oracles/smtp_server.py (aiosmtpd) on 127.0.0.1, started
/// for one test and stopped when this is released. Recipients choose its replies: a local
/// part with "reject" gets 550 5.1.1, "defer" 451 4.7.1, "full" 552 5.2.2, "denied" 554 5.7.1.
package final class ScriptedSMTPServer {
  /// The port it listens on.
  package let port: Int
  /// Where it writes each accepted message (N.eml) and its envelope (N.json).
  package let maildir: URL
  private let server: BackgroundProcess
  private let directory: URL

  /// Starts the server and waits (up to 20 s) until it listens.
  package init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-smtp-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    maildir = directory.appendingPathComponent("mail")
    let portFile = directory.appendingPathComponent("port")
    server = try BackgroundProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["python3", PythonOracle.scriptsDirectory.appendingPathComponent("smtp_server.py").path, portFile.path, maildir.path])
    guard let found = server.waitForPort(in: portFile) else {
      server.stop()
      throw PythonOracleError(command: "smtp_server.py", status: nil, stderr: "the scripted SMTP server did not start (is aiosmtpd installed? run scripts/bootstrap): \(server.output)")
    }
    port = found
  }

  deinit {
    // SIGTERM; SIGKILL should it not stop (a blocked SIGTERM).
    server.stop(SIGTERM)
    try? FileManager.default.removeItem(at: directory)
  }

  /// The messages it accepted, in order: their exact bytes and envelope recipients.
  package func received() throws -> [(bytes: [UInt8], recipients: [String], sender: String)] {
    var result: [(bytes: [UInt8], recipients: [String], sender: String)] = []
    var number = 1
    while FileManager.default.fileExists(atPath: maildir.appendingPathComponent("\(number).json").path) {
      let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: maildir.appendingPathComponent("\(number).json"))) as! [String: Any]
      let bytes = try [UInt8](Data(contentsOf: maildir.appendingPathComponent("\(number).eml")))
      result.append((bytes, envelope["to"] as? [String] ?? [], envelope["from"] as? String ?? ""))
      number += 1
    }
    return result
  }
}
