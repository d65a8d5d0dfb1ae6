import Foundation
import HeraldTesting
import Testing

/// End-to-end at volume: `herald send` of a 2,000-recipient campaign to Postfix's
/// smtp-sink on 127.0.0.1, a real peer that speaks SMTP as Postfix does. Every message must
/// be accepted, recorded as sent, and really arrive, once, at its own recipient.
struct SMTPSinkVolumeTests {
  static let recipients = 2_000
  static let smtpSink = "/usr/sbin/smtp-sink"

  @Test func everyMessageOfA2000RecipientCampaignReachesSmtpSinkOnce() throws {
    try #require(
      FileManager.default.isExecutableFile(atPath: Self.smtpSink),
      "\(Self.smtpSink) is missing: run scripts/bootstrap, which installs postfix (only its smtp-sink and smtp-source programs are used; the postfix daemon is never started)")
    let (root, addresses) = try HeraldProcess.workspace(list: "volume", readers: Self.recipients)
    defer { try? FileManager.default.removeItem(at: root) }
    func herald(_ arguments: String...) throws -> HeraldProcess.Result { try HeraldProcess.run(arguments, in: root) }

    // smtp-sink keeps every transaction in its own file under dumps/HHMMSS/ (-d) and counts
    // the messages it received on its standard output (-c).
    let dumps = root.appendingPathComponent("dumps")
    let (sink, port) = try Self.startSmtpSink(dumps: dumps)
    let sent = try herald("send", "Releases/2020-03-31-water-report.md", "--list", "volume", "--smtp", "smtp://127.0.0.1:\(port)", "--yes")
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(sent.stdout.contains("Sent 2,000, deferred 0 (retried later by herald deliver), failed 0."), "\(sent.stdout)")

    // The campaign report and the Outbox agree: all sent, nothing left on the way.
    let reports = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Outbox/reports").path).filter { $0.hasSuffix(".json") }
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("Outbox/reports/\(try #require(reports.first))"))) as! [String: Any]
    #expect(report["enqueued"] as? Int == Self.recipients && report["sent"] as? Int == Self.recipients)
    #expect(report["deferred"] as? Int == 0 && report["failed"] as? Int == 0)
    let outbox = try JSONSerialization.jsonObject(with: Data(try herald("outbox", "--json").stdout.utf8)) as! [String: Any]
    let states = outbox["states"] as! [String: Int]
    #expect(states["sent"] == Self.recipients)
    for state in ["active", "queue", "deferred", "failed", "hold"] {
      #expect(states[state] == 0, "\(state)/ still holds \(states[state] ?? -1) message(s)")
    }

    // smtp-sink's own count, then its dumps: each recipient once, in the envelope and in To.
    #expect(Self.settledCount(of: sink, expecting: Self.recipients) == Self.recipients, "smtp-sink output: \(sink.output.suffix(200))")
    sink.stop()
    var received: [String: Int] = [:]
    var misaddressed: [String] = []
    let files = FileManager.default.enumerator(at: dumps, includingPropertiesForKeys: [.isRegularFileKey])!
    for case let file as URL in files where (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
      let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      let envelope = lines.prefix { !$0.hasPrefix("Received:") }.filter { $0.hasPrefix("X-Rcpt-Args: ") }.map { Self.address(in: $0) }
      for recipient in envelope { received[recipient, default: 0] += 1 }
      if let to = lines.first(where: { $0.hasPrefix("To: ") }), envelope.count == 1, !to.contains("<\(envelope[0])>") {
        misaddressed.append("\(envelope[0]) got “\(to)”")
      }
    }
    #expect(received.values.reduce(0, +) == Self.recipients)
    #expect(Set(received.keys) == Set(addresses))
    #expect(received.filter { $0.value > 1 }.isEmpty, "received more than once: \(received.filter { $0.value > 1 }.keys.sorted().prefix(5))")
    #expect(misaddressed.isEmpty, "\(misaddressed.prefix(3))")
  }

  /// Starts smtp-sink on a free port of 127.0.0.1 and waits until it answers.
  static func startSmtpSink(dumps: URL) throws -> (BackgroundProcess, Int) {
    // smtp-sink insists on -u when it runs as root; as anyone else, -u itself is fine.
    let user = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "nobody"
    var lastOutput = ""
    for _ in 0..<5 {
      let port = try BackgroundProcess.freePort()
      let sink = try BackgroundProcess(
        URL(fileURLWithPath: smtpSink), ["-c", "-u", user, "-d", "\(dumps.path)/%H%M%S/", "127.0.0.1:\(port)", "100"])
      if waitUntilListening(port, while: sink) { return (sink, port) }
      lastOutput = sink.output
      sink.stop()
    }
    throw SMTPSinkError(message: "smtp-sink did not start on 127.0.0.1: \(lastOutput)")
  }

  static func waitUntilListening(_ port: Int, while process: BackgroundProcess) -> Bool {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline && process.isRunning {
      let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(port).bigEndian)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
      }
      close(socket)
      if connected { return true }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return false
  }

  /// smtp-sink's last "mesg=N" once it reaches `expected` or stops changing (sessions end
  /// a little after the client has its last reply).
  static func settledCount(of sink: BackgroundProcess, expecting expected: Int) -> Int {
    var last = -1
    var unchanged = 0
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      let counters = sink.output.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).filter { $0.contains("mesg=") }
      let count = counters.last.flatMap { Int($0.split(separator: "=").last ?? "") } ?? 0
      if count == expected { return count }
      unchanged = count == last ? unchanged + 1 : 0
      if unchanged >= 20 { return count }
      last = count
      Thread.sleep(forTimeInterval: 0.05)
    }
    return last
  }

  /// "X-Rcpt-Args: <reader1@example.com>" → "reader1@example.com".
  static func address(in line: Substring) -> String {
    let value = line.dropFirst("X-Rcpt-Args: ".count)
    guard let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") else { return String(value) }
    return String(value[value.index(after: open)..<close])
  }
}

/// smtp-sink could not be started.
struct SMTPSinkError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
