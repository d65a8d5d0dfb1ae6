import Foundation
import HeraldCore

/// What SpamAssassin thinks of a message: `herald check --spam` runs it on the release as a
/// sample subscriber would receive it, before anyone else's filter does.
///
/// SpamAssassin runs with local tests only (`-L`: no DNS blocklists, no Razor or Pyzor, no
/// network at all), without Bayes (nothing learnt, nothing written) and with an empty user
/// preferences file of its own, so that checking a release changes nothing on the machine.
/// Scores are therefore those a receiving filter's content rules give; its network rules
/// (blocklists of the sending address) can only add to them.
package struct SpamCheck: Sendable {
  /// A rule that fired.
  package struct Rule: Sendable, Hashable, Codable {
    /// SpamAssassin's name for it: "HTML_IMAGE_ONLY_16".
    package var name: String
    /// What it adds to the score (negative for a rule that vouches for the message).
    package var points: Double
    /// SpamAssassin's explanation: "BODY: HTML: images with 1200-1600 bytes of words".
    package var description: String
  }

  /// The verdict on one message.
  package struct Verdict: Sendable {
    /// The message's score.
    package var score: Double
    /// The score above which the check fails (herald.yml's `spam_threshold`).
    package var threshold: Double
    /// The rules that fired, highest points first.
    package var rules: [Rule]
    /// SpamAssassin's version line, for the record.
    package var version: String?
    /// Whether the score is above the threshold.
    package var fails: Bool { score > threshold }
  }

  /// The `spamassassin` program.
  package var executable: String

  /// SpamAssassin at `executable`, or the one on PATH.
  package init(executable: String? = nil) {
    self.executable = executable ?? Self.onPath("spamassassin") ?? "/usr/bin/spamassassin"
  }

  /// Scores a message. Blocking: it runs SpamAssassin (a few seconds).
  /// - Parameters:
  ///   - message: The message's bytes, as sent (signed).
  ///   - threshold: The score above which the verdict fails.
  /// - Throws: `CampaignError` `.spamCheck` when SpamAssassin is not installed, fails, or
  ///   answers with no score.
  package func check(_ message: [UInt8], threshold: Double) throws -> Verdict {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
      throw CampaignError(.spamCheck,
        "SpamAssassin is not installed (no \(executable)); install Debian's spamassassin package (scripts/bootstrap does), or check without --spam")
    }
    // Its own empty preferences: SpamAssassin otherwise writes ~/.spamassassin/user_prefs.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("herald-spam-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let preferences = scratch.appendingPathComponent("user_prefs")
    try DurableFile.write(Array("# herald check --spam: no user preferences\n".utf8), to: preferences)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = [
      "--local", "--test-mode", "--prefspath=\(preferences.path)",
      "--cf=use_bayes 0", "--cf=bayes_auto_learn 0", "--cf=dns_available no", "--cf=report_safe 0",
    ]
    process.environment = ["PATH": "/usr/bin:/bin", "HOME": scratch.path, "LANG": "C.UTF-8"]
    // The message and SpamAssassin's complaints go through files: no pipe to keep drained.
    let messageFile = scratch.appendingPathComponent("message.eml")
    let errorFile = scratch.appendingPathComponent("stderr")
    try DurableFile.write(message, to: messageFile)
    guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
      throw CampaignError(.spamCheck, "cannot write in \(scratch.path) for SpamAssassin; check that the temporary folder is writable")
    }
    let output = Pipe()
    process.standardInput = try FileHandle(forReadingFrom: messageFile)
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorFile)
    do {
      try process.run()
    } catch {
      throw CampaignError(.spamCheck, "SpamAssassin (\(executable)) could not be started: \(error.localizedDescription)")
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let errorText = (try? Data(contentsOf: errorFile)) ?? Data()
    guard let verdict = Self.verdict(fromTestModeOutput: text, threshold: threshold) else {
      let problem = String(decoding: errorText, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
      throw CampaignError(.spamCheck,
        "SpamAssassin gave no score (exit status \(process.terminationStatus))\(problem.isEmpty ? "" : ": " + TerminalText.escaped(problem)); run “spamassassin --lint” to see what is wrong with its installation")
    }
    return verdict
  }

  /// Reads SpamAssassin's test-mode output: the score from its `X-Spam-Status` header and the
  /// rules with their points and explanations from its "Content analysis details" table.
  /// Nil when the output has no status header.
  package static func verdict(fromTestModeOutput text: String, threshold: Double) -> Verdict? {
    // Lines end in CRLF (as the message did) or LF; "\r\n" is one Character, a newline.
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    // The header may be folded over several lines.
    guard let start = lines.firstIndex(where: { $0.hasPrefix("X-Spam-Status:") }) else { return nil }
    var status = lines[start]
    for line in lines[(start + 1)...] {
      guard line.first == " " || line.first == "\t" else { break }
      status += " " + line.trimmingCharacters(in: .whitespaces)
    }
    guard let scoreRange = status.range(of: "score=") else { return nil }
    let scoreText = status[scoreRange.upperBound...].prefix { $0 == "-" || $0 == "." || $0.isNumber }
    guard let score = Double(scoreText) else { return nil }
    let version = lines.first { $0.hasPrefix("X-Spam-Checker-Version:") }.map { String($0.dropFirst("X-Spam-Checker-Version:".count)).trimmingCharacters(in: .whitespaces) }

    var rules: [Rule] = []
    if let table = lines.lastIndex(where: { $0.hasPrefix(" pts rule name") }) {
      for line in lines[(table + 1)...] {
        if line.hasPrefix("----") { continue }
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        if fields.count >= 2, let points = Double(fields[0]), fields[1].allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) {
          rules.append(Rule(name: String(fields[1]), points: points, description: fields.count == 3 ? String(fields[2]).trimmingCharacters(in: .whitespaces) : ""))
        } else if line.hasPrefix("    "), !line.trimmingCharacters(in: .whitespaces).isEmpty, !rules.isEmpty {
          // A long explanation (or the text it matched) continues on the next, indented line.
          rules[rules.count - 1].description += " " + line.trimmingCharacters(in: .whitespaces)
        } else {
          break
        }
      }
    }
    rules.sort { ($0.points, $1.name) > ($1.points, $0.name) }
    return Verdict(score: score, threshold: threshold, rules: rules, version: version)
  }

  private static func onPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }
}
