import Foundation
import Testing
import HeraldCore
@testable import HeraldDelivery

/// A fresh Outbox folder, removed at the end of the test.
final class TemporaryOutbox: Sendable {
  let url: URL
  init() {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("herald-outbox-\(UUID().uuidString)")
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func open() throws -> Outbox { try Outbox(directory: url) }
  func files(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent(folder).path)) ?? []).sorted()
  }
}

func sampleMessage(
  campaign: CampaignID = "spring", recipient: String = "ada@example.com",
  created: Date = Date(timeIntervalSince1970: 1_740_000_000.123), size: Int = 200
) -> OutboxMessage {
  let body = Array("Subject: Hello\r\n\r\n".utf8) + (0..<size).map { UInt8(truncatingIfNeeded: $0 % 251) }
  return OutboxMessage(
    campaign: campaign, sender: "bounces@example.org", recipient: recipient,
    subscriber: SubscriberID(42), list: "press", created: created, bytes: body)
}

struct OutboxMessageTests {
  @Test func roundTripKeepsEveryFieldAndTheExactBytes() throws {
    // Binary-ish bytes, a bare CR, a NUL and a 20,000-byte line.
    var bytes = Array("DKIM-Signature: v=1\r\nSubject: Té\r\n\r\n".utf8)
    bytes += [0, 1, 2, 13, 255, 254, 10, 13, 10]
    bytes += Array(repeating: UInt8(ascii: "x"), count: 20_000) + [13, 10]
    let message = OutboxMessage(
      campaign: "camp: 1 %41", sender: "b@example.org", recipient: "r@example.com",
      subscriber: SubscriberID(7), list: "Press list", created: Date(timeIntervalSince1970: 1_740_000_000.5),
      attempts: [
        .init(at: Date(timeIntervalSince1970: 1_740_000_100.25), reply: "451 4.7.1 Try later", outcome: .deferred),
        .init(at: Date(timeIntervalSince1970: 1_740_000_200), reply: "250 2.0.0 Ok: queued\r\nFake: header\n\nx", outcome: .sent),
        .init(at: Date(timeIntervalSince1970: 1_740_000_300), reply: "", outcome: .failed),
      ],
      nextAttempt: Date(timeIntervalSince1970: 1_740_000_400), bytes: bytes)
    let file = message.encodedFile()
    let decoded = try OutboxMessage.decodeFile(file, file: "x")
    #expect(decoded == message)
    #expect(decoded.bytes == bytes)
    #expect(decoded.attempts[1].reply == "250 2.0.0 Ok: queued\r\nFake: header\n\nx")
    // The header is readable text with one line per field.
    let header = String(decoding: message.encodedHeader(), as: UTF8.self)
    #expect(header.hasPrefix("HERALD-OUTBOX 1\nId: \(message.id)\n"))
    #expect(header.contains("Attempt: 2025-02-19T21:21:40.250Z deferred 451 4.7.1 Try later\n"))
    #expect(header.contains("Attempt: 2025-02-19T21:23:20.000Z sent 250 2.0.0 Ok: queued%0D%0AFake: header%0A%0Ax\n"))
    #expect(header.contains("Size: \(bytes.count)\n\n"))
    #expect(header.split(separator: "\n").count == 13)
  }

  @Test func optionalFieldsStayNil() throws {
    let message = OutboxMessage(campaign: "c", sender: "", recipient: "r@x", bytes: [])
    let decoded = try OutboxMessage.decodeFile(message.encodedFile(), file: "x")
    #expect(decoded == message)
    #expect(decoded.subscriber == nil && decoded.list == nil)
  }

  @Test(arguments: [
    ("", "no end"),
    ("garbage\n\n", "does not start"),
    ("HERALD-OUTBOX 2\nId: A\n\n", "version"),
    ("HERALD-OUTBOX 1\nId: 01ABC\nCampaign: c\n", "no end"),
    ("HERALD-OUTBOX 1\nId: 01ABC\nCampaign: c\nSender: s\nRecipient: r\nCreated: 2025-01-01T00:00:00.000Z\nNext-Attempt: 2025-01-01T00:00:00.000Z\n\n", "no Size"),
    ("HERALD-OUTBOX 1\nId: 01ABC\nCampaign: c\nSender: s\nRecipient: r\nCreated: yesterday\nNext-Attempt: 2025-01-01T00:00:00.000Z\nSize: 0\n\n", "Created"),
    ("HERALD-OUTBOX 1\nId: 01ABC\nbroken line\n\n", "not “Key: value”"),
    ("HERALD-OUTBOX 1\nId: 01ABC\nCampaign: bad %Z1\n\n", "escape"),
    ("HERALD-OUTBOX 1\nId: ../etc\nCampaign: c\nSender: s\nRecipient: r\nCreated: 2025-01-01T00:00:00.000Z\nNext-Attempt: 2025-01-01T00:00:00.000Z\nSize: 0\n\n", "not a valid id"),
    ("HERALD-OUTBOX 1\nId: 01ABC\nCampaign: c\nSender: s\nRecipient: r\nCreated: 2025-01-01T00:00:00.000Z\nNext-Attempt: 2025-01-01T00:00:00.000Z\nAttempt: soon\nSize: 0\n\n", "Attempt"),
  ])
  func damagedHeadersAreCorruptAndNameTheFile(text: String, why: String) {
    let error = #expect(throws: DeliveryError.self) {
      try OutboxMessage.decodeFile(Array(text.utf8), file: "/spool/queue/01ABC")
    }
    #expect(error?.code == .corrupt)
    #expect(error?.message.contains("/spool/queue/01ABC") == true)
    #expect(error?.message.contains(why) == true, "\(error?.message ?? "")")
  }

  @Test func everyTruncationOfAFileIsCorrupt() throws {
    let file = sampleMessage(size: 50).encodedFile()
    for length in 0..<file.count {
      let error = #expect(throws: DeliveryError.self) {
        try OutboxMessage.decodeFile(Array(file[0..<length]), file: "f-\(length)")
      }
      #expect(error?.code == .corrupt)
      #expect(error?.message.contains("f-\(length)") == true)
    }
    // After the message, only whole "Key: value" trailer lines may follow.
    let garbage = #expect(throws: DeliveryError.self) { try OutboxMessage.decodeFile(file + Array("garbage\n".utf8), file: "long") }
    #expect(garbage?.code == .corrupt)
  }

  @Test func attemptsAppendedAfterTheMessageAreReadBack() throws {
    let message = sampleMessage(size: 50)
    let first = OutboxMessage.Attempt(at: Date(timeIntervalSince1970: 1_740_000_100), reply: "451 4.7.1 Try later\r\n%", outcome: .deferred)
    let retry = Date(timeIntervalSince1970: 1_740_000_400)
    let second = OutboxMessage.Attempt(at: Date(timeIntervalSince1970: 1_740_000_401), reply: "250 2.0.0 Ok", outcome: .sent)
    let file = message.encodedFile() + OutboxMessage.encodedTrailer(first, nextAttempt: retry) + OutboxMessage.encodedTrailer(second, nextAttempt: nil)
    let decoded = try OutboxMessage.decodeFile(file, file: "f")
    #expect(decoded.bytes == message.bytes)
    #expect(decoded.attempts == [first, second])
    #expect(decoded.nextAttempt == retry)
    // A last line cut short (the disk filled mid-write) never happened.
    let torn = try OutboxMessage.decodeFile(file + Array("Attempt: 2025-02-19T21:".utf8), file: "f")
    #expect(torn == decoded)
  }

  @Test func idsAreUniqueSortableAndFileSafe() {
    let ids = (0..<10_000).map { _ in OutboxMessage.makeID() }
    #expect(Set(ids).count == ids.count)
    #expect(ids == ids.sorted())
    #expect(ids.allSatisfy { $0.count == 26 && OutboxMessage.isValidID($0) })
    #expect(!OutboxMessage.isValidID("../x") && !OutboxMessage.isValidID("") && !OutboxMessage.isValidID("a b"))
  }
}
