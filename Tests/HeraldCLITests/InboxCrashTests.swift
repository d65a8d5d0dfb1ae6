import Foundation
import HeraldTesting
import Testing

/// End to end: `herald inbox import` of a large mbox killed with SIGKILL in the middle.
/// Every message its output reported as read is in the store and its file on the disk,
/// whole; importing again reads the rest, and nothing twice.
struct InboxCrashTests {
  /// An mbox of `count` questions, each with its own Message-ID (<crash-N@example.com>), and
  /// each message's bytes by Message-ID.
  static func mbox(_ count: Int, at url: URL) throws -> [String: [UInt8]] {
    var messages: [String: [UInt8]] = [:]
    var file: [UInt8] = []
    for index in 0..<count {
      let id = "crash-\(index)@example.com"
      let message = Array("""
        From: Reader \(index) <reader\(index % 13)@example.com>\r
        To: pressoffice@example.org\r
        Subject: Question \(index) about the water study\r
        Date: Tue, 1 Dec 2026 10:00:00 +0000\r
        Message-ID: <\(id)>\r
        \r
        Could you send me the figures for district \(index)?\r

        """.utf8)
      messages[id] = message
      file += Array("From reader@example.com Tue Dec  1 10:00:00 2026\n".utf8) + message + [0x0A]
    }
    try Data(file).write(to: url)
    return messages
  }

  /// The Message-ID in a kept file.
  static func messageID(in bytes: [UInt8]) -> String? {
    let text = String(decoding: bytes.prefix(2048), as: UTF8.self)
    guard let match = text.firstMatch(of: /Message-ID: <([^>]+)>/) else { return nil }
    return String(match.1)
  }

  @Test func anImportKilledMidwayLosesNothingItReportedAndReadsTheRestAgain() throws {
    let count = 5_000
    let root = try HeraldProcess.workspace(list: "press-en", readers: 13).root
    defer { try? FileManager.default.removeItem(at: root) }
    let mbox = root.appendingPathComponent("inbox.mbox")
    let messages = try Self.mbox(count, at: mbox)

    // Killed once it has reported a few batches, well before the end.
    let importing = try BackgroundProcess.herald(["inbox", "import", mbox.path, "--json"], in: root)
    let deadline = Date().addingTimeInterval(120)
    while importing.isRunning && Date() < deadline && importing.output.split(separator: "\n").count < 1_100 {
      Thread.sleep(forTimeInterval: 0.002)
    }
    let finishedAlready = !importing.isRunning
    importing.stop()
    // Whole lines only: the last one may have been cut by the kill.
    let output = importing.output
    let lines = output.hasSuffix("\n") ? output.split(separator: "\n") : output.split(separator: "\n").dropLast()
    let reported = lines.compactMap { line -> String? in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
      return object["message_id"] as? String
    }
    try #require(!finishedAlready && reported.count < count, "the import ended before it could be killed (\(reported.count) of \(count)): make the mbox larger")
    #expect(reported.count >= 1_100)

    // Every message reported is in the store…
    let listed = try HeraldProcess.run(["inbox", "list", "--json", "--limit", "\(count)"], in: root)
    #expect(listed.status == 0, "\(listed.stderr)")
    let stored = Set(((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]) ?? []).compactMap { $0["message_id"] as? String })
    let missing = Set(reported).subtracting(stored)
    #expect(missing.isEmpty, "reported but not in the store: \(missing.sorted().prefix(5))")
    // …and on the disk, whole.
    var onDisk: [String: [UInt8]] = [:]
    let folder = root.appendingPathComponent("Inbox/messages")
    for month in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
      let monthFolder = folder.appendingPathComponent(month)
      for name in try FileManager.default.contentsOfDirectory(atPath: monthFolder.path) where !name.hasPrefix(".") {
        let bytes = [UInt8](try Data(contentsOf: monthFolder.appendingPathComponent(name)))
        if let id = Self.messageID(in: bytes) { onDisk[id] = bytes }
      }
    }
    let notOnDisk = reported.filter { onDisk[$0] != messages[$0] }
    #expect(notOnDisk.isEmpty, "reported but not kept whole: \(notOnDisk.prefix(5))")

    // Importing again reads the rest, once each.
    let again = try HeraldProcess.run(["inbox", "import", mbox.path], in: root)
    #expect(again.status == 0, "\(again.stderr)")
    let total = try HeraldProcess.run(["inbox", "list", "--json", "--limit", "\(count + 10)"], in: root)
    let all = ((try JSONSerialization.jsonObject(with: Data(total.stdout.utf8)) as? [[String: Any]]) ?? []).compactMap { $0["message_id"] as? String }
    #expect(all.count == count && Set(all) == Set(messages.keys))
  }
}
