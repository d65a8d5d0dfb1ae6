import Foundation
import HeraldDelivery
import Testing

/// Herald's own capture sink, driven by Herald's libcurl connection.
struct CaptureSinkTests {
  func start(_ faults: CaptureSink.Faults = CaptureSink.Faults()) throws -> CaptureSink {
    let maildir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-sink-\(UUID().uuidString)")
    let sink = try CaptureSink(port: 0, maildir: maildir, faults: faults)
    Thread { sink.run() }.start()
    return sink
  }

  static let message = Array("From: a@example.org\r\nTo: b@example.com\r\nSubject: x\r\n\r\n.leading dot\r\nbody\r\n".utf8)

  @Test func storesTheExactBytesOfEachMessage() throws {
    let sink = try start()
    defer { sink.stop() }
    let connection = try SMTPConnection(configuration: RelayConfiguration(url: "smtp://127.0.0.1:\(sink.port)"))
    for _ in 0..<3 {
      guard case .reply(let reply) = connection.send(from: "a@example.org", to: "b@example.com", message: Self.message) else {
        Issue.record("no reply")
        return
      }
      #expect(reply.code == 250 && reply.enhancedCode == "2.0.0")
    }
    #expect(sink.storedCount == 3)
    let stored = try Data(contentsOf: sink.maildir.appendingPathComponent("000001.eml"))
    #expect([UInt8](stored) == Self.message)
    let envelope = try String(contentsOf: sink.maildir.appendingPathComponent("000001.envelope"), encoding: .utf8)
    #expect(envelope == "MAIL FROM:<a@example.org>\nRCPT TO:<b@example.com>\n")
  }

  @Test func aClientThatGoesAwayWithATransactionPipelinedLeavesTheSinkServing() throws {
    let sink = try start()
    defer { sink.stop() }
    for round in 1...3 {
      // The next transaction's commands go with the message's end, and the client drops
      // the connection instead of sending that message: the sink's replies find no reader.
      let connection = try SMTPConnection(configuration: RelayConfiguration(url: "smtp://127.0.0.1:\(sink.port)"))
      guard case .reply(let reply) = connection.send(from: "a@example.org", to: "b@example.com", message: Self.message, next: {
        Envelope(sender: "a@example.org", recipient: "never@example.com", size: Self.message.count)
      }) else {
        Issue.record("no reply in round \(round)")
        return
      }
      #expect(reply.code == 250)
    }
    #expect(sink.storedCount == 3, "the sink outlived every dropped client, and stored no empty message")
  }

  @Test func injectsRejectionsDeferralsAndDrops() throws {
    var faults = CaptureSink.Faults()
    faults.rejectPattern = "nobody"
    let rejecting = try start(faults)
    defer { rejecting.stop() }
    let connection = try SMTPConnection(configuration: RelayConfiguration(url: "smtp://127.0.0.1:\(rejecting.port)"))
    guard case .reply(let rejected) = connection.send(from: "a@example.org", to: "nobody@example.com", message: Self.message) else {
      Issue.record("no reply")
      return
    }
    #expect(rejected.code == 550 && rejected.enhancedCode == "5.1.1")

    faults = CaptureSink.Faults()
    faults.deferRate = 1
    let deferring = try start(faults)
    defer { deferring.stop() }
    let second = try SMTPConnection(configuration: RelayConfiguration(url: "smtp://127.0.0.1:\(deferring.port)"))
    guard case .reply(let deferred) = second.send(from: "a@example.org", to: "b@example.com", message: Self.message) else {
      Issue.record("no reply")
      return
    }
    #expect(deferred.code == 451)
    #expect(deferring.storedCount == 0)

    faults = CaptureSink.Faults()
    faults.dropRate = 1
    let dropping = try start(faults)
    defer { dropping.stop() }
    let third = try SMTPConnection(configuration: RelayConfiguration(url: "smtp://127.0.0.1:\(dropping.port)"))
    let big = Self.message + Array(repeating: UInt8(ascii: "x"), count: 5000) + [0x0D, 0x0A]
    if case .reply(let reply) = third.send(from: "a@example.org", to: "b@example.com", message: big) {
      #expect(!reply.isSuccess, "a dropped connection is never a success")
    }
    #expect(dropping.storedCount == 0)
  }
}
