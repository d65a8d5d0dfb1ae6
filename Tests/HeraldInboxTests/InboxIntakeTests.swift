import Foundation
import HeraldCore
import HeraldInbox
import HeraldMail
import HeraldStore
import Testing

/// Reading many messages at once (issue 13, part 7): batches flushed and recorded together,
/// each message told only once it is recorded and on the disk; repeats within a batch;
/// messages that cannot be read or kept counted, and the others read.
struct InboxIntakeTests {
  let fixture: InboxFixture

  init() throws { fixture = try InboxFixture(readers: 40) }

  /// An mboxrd file of `messages` (CRLF kept), "From " lines quoted.
  func mbox(_ messages: [[UInt8]]) throws -> MailSource {
    var bytes: [UInt8] = []
    for message in messages {
      bytes += Array("From MAILER-DAEMON Tue Dec  1 10:00:00 2026\n".utf8)
      var lineStart = true
      for (index, byte) in message.enumerated() {
        if lineStart {
          var probe = index
          while probe < message.count && message[probe] == UInt8(ascii: ">") { probe += 1 }
          if message[probe...].starts(with: Array("From ".utf8)) { bytes.append(UInt8(ascii: ">")) }
        }
        bytes.append(byte)
        lineStart = byte == 0x0A
      }
      bytes += Array("\n\n".utf8)
    }
    let url = fixture.workspace.root.appendingPathComponent("intake-\(UUID().uuidString).mbox")
    try Data(bytes).write(to: url)
    return .mbox(url, .mboxrd)
  }

  /// The names of the messages kept in Inbox/messages, and any temporary file left there.
  func kept() throws -> (files: [String], temporary: [String]) {
    let root = fixture.workspace.root.appendingPathComponent("Inbox/messages")
    var files: [String] = []
    var temporary: [String] = []
    for month in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
      for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(month).path) {
        if name.hasPrefix(".") { temporary.append(name) } else { files.append(name) }
      }
    }
    return (files, temporary)
  }

  @Test func theSameMessageTwiceInOneBatchIsReadOnce() throws {
    let bounce = InboxFixtures.bytes("postfix-dsn-5.1.1.eml")
    // The same Message-ID with other bytes (a relay added a field) is the same message.
    let relayed = Array("X-Relayed: yes\r\n".utf8) + bounce
    let source = try mbox([bounce, InboxFixtures.bytes("gmail-vacation.eml"), bounce, relayed])
    var outcomes: [Inbox.Outcome] = []
    let summary = try fixture.inbox.importMessages(from: source) { outcomes.append($0) }
    #expect(summary.total == 2 && summary.duplicates == 2 && summary.failed == 0)
    #expect(outcomes.map(\.duplicate) == [false, false, true, true])
    #expect(outcomes[2].record.id == outcomes[0].record.id && outcomes[3].record.id == outcomes[0].record.id)
    #expect(outcomes[0].recipients.first?.result == .bouncedAndSuppressed)
    #expect(try fixture.store.inboundCounts() == [.bounce: 1, .autoReply: 1])
    #expect(try kept().files.count == 2 && kept().temporary.isEmpty)
  }

  @Test func severalPathsAndAFolderOfEmlFilesAreReadInTheirOrder() throws {
    // A folder of saved replies (not a Maildir), a single .eml file and an mbox, in one import.
    let replies = fixture.workspace.root.appendingPathComponent("Replies")
    try FileManager.default.createDirectory(at: replies, withIntermediateDirectories: true)
    try Data(InboxFixtures.bytes("gmail-vacation.eml")).write(to: replies.appendingPathComponent("b.eml"))
    try Data(InboxFixtures.bytes("postfix-dsn-5.1.1.eml")).write(to: replies.appendingPathComponent("a.eml"))
    try Data("not a message file".utf8).write(to: replies.appendingPathComponent("notes.txt"))
    let single = fixture.workspace.root.appendingPathComponent("one.eml")
    try Data(InboxFixtures.bytes("reply-with-attachment.eml")).write(to: single)
    let mbox = try mbox([Array("From: Reader <reader1@example.com>\r\nTo: pressoffice@example.org\r\nSubject: Q\r\nMessage-ID: <several@example.com>\r\n\r\nWhen?\r\n".utf8)])
    guard case .mbox(let mboxURL, _) = mbox else { Issue.record("not an mbox"); return }

    let source = try MailSource.detect(paths: [replies.path, single.path, mboxURL.path])
    #expect(source == .several([.folder(URL(fileURLWithPath: replies.path)), .file(single), mbox]))
    var origins: [String] = []
    let summary = try fixture.inbox.importMessages(from: source) { origins.append($0.origin) }
    #expect(summary.total == 4 && summary.failed == 0)
    #expect(origins.prefix(3) == [replies.appendingPathComponent("a.eml").path, replies.appendingPathComponent("b.eml").path, single.path])
    #expect(origins.last?.hasPrefix(mboxURL.path) == true)
  }

  @Test func aMistypedPathAmongSeveralStopsTheImportBeforeAnythingIsRead() throws {
    let single = fixture.workspace.root.appendingPathComponent("one.eml")
    try Data(InboxFixtures.bytes("gmail-vacation.eml")).write(to: single)
    let missing = fixture.workspace.root.appendingPathComponent("Replise").path
    let error = try #require(throws: InboxError.self) { try MailSource.detect(paths: [single.path, missing]) }
    #expect(error.message.hasPrefix("\(missing): no such file or folder"), "\(error.message)")
    let empty = fixture.workspace.root.appendingPathComponent("Empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let notMail = try #require(throws: InboxError.self) { try MailSource.detect(empty.path) }
    #expect(notMail.message.contains("no .eml files"), "\(notMail.message)")
    #expect(try fixture.store.inboundCounts().isEmpty)
  }

  @Test func whatIsToldIsRecordedAndOnTheDisk() throws {
    let folder = try fixture.maildir(InboxFixtures.all)
    var told = 0
    let summary = try fixture.inbox.importMessages(from: .maildir(folder)) { outcome in
      told += 1
      // The record is in the store (in another connection's view) and its file is in place.
      let stored = try? fixture.store.inbound(id: outcome.record.id)
      #expect(stored?.digest == outcome.record.digest, "\(outcome.origin)")
      let file = fixture.workspace.root.appendingPathComponent(outcome.record.rawFile)
      #expect(FileManager.default.fileExists(atPath: file.path), "\(outcome.origin)")
    }
    #expect(told == InboxFixtures.all.count && summary.total == told)
  }

  @Test func manyMessagesAreReadInSeveralBatches() throws {
    let count = 1_300  // more than two batches of 512
    let messages = (0..<count).map { index in
      Array("From: Reader \(index) <reader\(index % 40 + 1)@example.com>\r\nTo: pressoffice@example.org\r\nSubject: Question \(index)\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <q\(index)@example.com>\r\n\r\nFrom what date is the study embargoed?\r\n".utf8)
    }
    var told: [String] = []
    let summary = try fixture.inbox.importMessages(from: try mbox(messages)) { told.append($0.record.messageID ?? "") }
    #expect(summary.total == count && summary.read[.inquiry] == count)
    #expect(told == (0..<count).map { "q\($0)@example.com" }, "told in order")
    #expect(try kept().files.count == count && kept().temporary.isEmpty)
    // Read again: every one is recognised.
    let again = try fixture.inbox.importMessages(from: try mbox(messages))
    #expect(again.total == 0 && again.duplicates == count)
  }

  @Test func aMessageThatCannotBeKeptIsCountedAndTheOthersAreRead() throws {
    let names = ["postfix-dsn-5.1.1.eml", "reply-with-attachment.eml", "gmail-vacation.eml"]
    let folder = try fixture.maildir(names)
    // The attachment's folder cannot be made: a file stands where it should be.
    let digest = try InboxFixture().inbox.read(InboxFixtures.bytes("reply-with-attachment.eml"), origin: "elsewhere").record.digest
    let blocker = fixture.workspace.root.appendingPathComponent("Inbox/attachments/\(digest.prefix(16))")
    try FileManager.default.createDirectory(at: blocker.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data("in the way".utf8).write(to: blocker)
    var failures: [Inbox.Failure] = []
    var told: [InboundClass] = []
    let summary = try fixture.inbox.importMessages(from: .maildir(folder), onMessage: { told.append($0.record.kind) }, onFailure: { failures.append($0) })
    #expect(summary.failed == 1 && summary.total == 2)
    #expect(told == [.bounce, .autoReply])
    #expect(failures.count == 1 && failures.first?.origin.hasSuffix("new/1700000001.1.test") == true, "\(failures)")
    #expect(try fixture.store.inboundCounts() == [.bounce: 1, .autoReply: 1])
    #expect(try kept().files.count == 2 && kept().temporary.isEmpty, "the message that was not kept left no file")

    // Once the way is clear, importing again reads it, and only it.
    try FileManager.default.removeItem(at: blocker)
    let again = try fixture.inbox.importMessages(from: .maildir(folder))
    #expect(again.total == 1 && again.read[.inquiry] == 1 && again.duplicates == 2 && again.failed == 0)
  }

  @Test func aSourceThatCannotBeReadStopsTheImportSayingSo() throws {
    let missing = fixture.workspace.root.appendingPathComponent("gone.eml")
    let error = try #require(throws: InboxError.self) { _ = try fixture.inbox.importMessages(from: .file(missing)) }
    #expect(error.code == .source && error.message.contains("gone.eml"))
  }

  @Test func aMaildirFileThatCannotBeReadIsCountedAndTheOthersAreRead() throws {
    let folder = try fixture.maildir(["postfix-dsn-5.1.1.eml", "gmail-vacation.eml"])
    // A folder where a message file should be: it cannot be read as one.
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("new/1700000000.5.test"), withIntermediateDirectories: true)
    var failures: [Inbox.Failure] = []
    let summary = try fixture.inbox.importMessages(from: .maildir(folder), onFailure: { failures.append($0) })
    #expect(summary.total == 2 && summary.failed == 1)
    #expect(failures.first?.origin.hasSuffix("new/1700000000.5.test") == true)
    #expect((failures.first?.error as? InboxError)?.code == .source)
  }
}
