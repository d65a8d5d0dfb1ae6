import Foundation

/// sisimai, the reference bounce analyser (Debian libsisimai-perl), as a peer: what it finds
/// in message files (Tests/Oracles/sisimai_recipients.pl).
package enum SisimaiOracle {
  /// One record sisimai made of a message: a failed recipient, a complaint ("feedback"), an
  /// automatic reply ("vacation").
  package struct Record: Decodable, Sendable {
    /// The recipient's address, as sisimai read it.
    package var recipient: String
    /// The enhanced status code, "" when it has none.
    package var status: String
    /// sisimai's reason: "userunknown", "mailboxfull", "feedback", "vacation", …
    package var reason: String
    /// The action ("failed", "delayed"), "" when it has none.
    package var action: String
    /// The module that read it: "Postfix", "Sendmail", "AmazonSES", "RFC3464", …
    package var agent: String
  }

  /// Whether `perl -MSisimai -e1` works: libsisimai-perl is installed.
  package static let isInstalled: Bool = {
    (try? PythonOracle.runTool(
      "perl", ["-MSisimai", "-e1"], stdin: [], what: "perl -MSisimai", environment: ProcessInfo.processInfo.environment,
      missing: "install Perl")) != nil
  }()

  /// What sisimai finds in each file, by path.
  /// - Throws: `PythonOracleError` when perl or sisimai fails, a decoding error when its output is not the expected JSON.
  package static func records(in files: [String]) throws -> [String: [Record]] {
    let script = PythonOracle.scriptsDirectory.appendingPathComponent("sisimai_recipients.pl").path
    let json = try PythonOracle.runTool(
      "perl", [script] + files, stdin: [], what: "sisimai_recipients.pl", environment: ProcessInfo.processInfo.environment,
      missing: "install Perl and libsisimai-perl (scripts/bootstrap)")
    return try JSONDecoder().decode([String: [Record]].self, from: json)
  }
}
