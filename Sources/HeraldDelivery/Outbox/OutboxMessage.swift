import Foundation
import HeraldCore

/// One message to one recipient in the Outbox: its envelope, its delivery history and the
/// exact bytes to send.
package struct OutboxMessage: Sendable, Equatable {
  /// What happened on one delivery attempt.
  package typealias Outcome = DeliveryOutcome

  /// One delivery attempt and the relay's reply.
  package struct Attempt: Sendable, Equatable {
    /// When the attempt ended; kept to the millisecond.
    package var at: Date
    /// The full SMTP reply line, e.g. "451 4.7.1 Try later".
    package var reply: String
    /// What the attempt led to.
    package var outcome: Outcome

    /// Makes an attempt record; `at` is rounded to the millisecond, as it is stored.
    package init(at: Date, reply: String, outcome: Outcome) {
      self.at = at.outboxMilliseconds
      self.reply = reply
      self.outcome = outcome
    }
  }

  /// Unique within the Outbox, sorts by enqueue time, and is the file's name: 26 characters
  /// of Crockford base32 (48 bits of milliseconds, then 80 bits that count up within a
  /// millisecond from a random start), like a ULID.
  package var id: String
  /// The campaign the message belongs to.
  package var campaign: CampaignID
  /// The envelope sender (SMTP MAIL FROM), e.g. "bounces@example.org".
  package var sender: String
  /// The one envelope recipient (SMTP RCPT TO).
  package var recipient: String
  /// The subscriber in the store the message goes to, if any.
  package var subscriber: SubscriberID?
  /// The list the recipient was taken from, if any.
  package var list: String?
  /// The language of the translation the message is in (a primary subtag, "ru"), when the
  /// release has translations; nil otherwise.
  package var language: String?
  /// When the message was made; the retry policy counts its age from here.
  package var created: Date
  /// Every delivery attempt, oldest first.
  package var attempts: [Attempt]
  /// When the message may next be tried; the Outbox claims it from deferred/ no earlier.
  package var nextAttempt: Date
  /// The exact message bytes as sent: CRLF line ends, already signed.
  package var bytes: [UInt8]

  /// Makes a message that has not been tried yet.
  ///
  /// Times are kept to the millisecond, as the spool file stores them.
  /// - Parameters:
  ///   - id: A new id by default; give one only to keep an existing message's id.
  ///   - nextAttempt: When to try first; `created` by default.
  package init(
    id: String = OutboxMessage.makeID(), campaign: CampaignID, sender: String, recipient: String,
    subscriber: SubscriberID? = nil, list: String? = nil, language: String? = nil, created: Date = Date(),
    attempts: [Attempt] = [], nextAttempt: Date? = nil, bytes: [UInt8]
  ) {
    self.id = id
    self.campaign = campaign
    self.sender = sender
    self.recipient = recipient
    self.subscriber = subscriber
    self.list = list
    self.language = language
    self.created = created.outboxMilliseconds
    self.attempts = attempts
    self.nextAttempt = (nextAttempt ?? created).outboxMilliseconds
    self.bytes = bytes
  }

  /// A new message id: later calls in this process always give larger ids.
  package static func makeID(now: Date = Date()) -> String {
    IDGenerator.shared.next(milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1000)))
  }

  /// Whether `id` can name a spool file: 1 to 64 characters of A–Z, a–z, 0–9, "-" and "_".
  package static func isValidID(_ id: String) -> Bool {
    guard (1...64).contains(id.utf8.count) else { return false }
    return id.utf8.allSatisfy { byte in
      (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
  }
}

extension Date {
  /// The date rounded to the millisecond, as the spool stores it.
  var outboxMilliseconds: Date {
    Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000)
  }

  /// Milliseconds since 1970, rounded to the nearest: a stored date comes back exactly.
  var millisecondsSince1970: Int64 {
    Int64((timeIntervalSince1970 * 1000).rounded())
  }
}

/// Makes ULID-like ids that increase monotonically within the process.
private final class IDGenerator: @unchecked Sendable {
  static let shared = IDGenerator()

  private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
  // Guards the state below; ids are made from many threads.
  private let lock = NSLock()
  private var lastMilliseconds: UInt64 = 0
  // The 80 random bits: 16 high bits and 64 low bits.
  private var high: UInt16 = 0
  private var low: UInt64 = 0

  func next(milliseconds: UInt64) -> String {
    lock.lock()
    var ms = milliseconds
    if ms > lastMilliseconds {
      lastMilliseconds = ms
      var generator = SystemRandomNumberGenerator()
      // Leave headroom in the top bit so counting up within a millisecond cannot overflow.
      high = UInt16.random(in: 0...0x7FFF, using: &generator)
      low = generator.next()
    } else {
      // Same millisecond, or the clock went back: count up from the last id.
      ms = lastMilliseconds
      let (sum, overflow) = low.addingReportingOverflow(1)
      low = sum
      if overflow { high &+= 1 }
    }
    let (h, l) = (high, low)
    lock.unlock()

    var out = [UInt8](repeating: 0, count: 26)
    // 10 characters of time (50 bits, top 2 always zero).
    for i in 0..<10 {
      out[9 - i] = Self.alphabet[Int((ms >> (UInt64(i) * 5)) & 31)]
    }
    // 16 characters of the 80-bit counter: high 16 bits then low 64 bits.
    for i in 0..<16 {
      let shift = i * 5
      let value: UInt64
      if shift + 5 <= 64 {
        value = (l >> UInt64(shift)) & 31
      } else if shift < 64 {
        value = ((l >> UInt64(shift)) | (UInt64(h) << UInt64(64 - shift))) & 31
      } else {
        value = (UInt64(h) >> UInt64(shift - 64)) & 31
      }
      out[25 - i] = Self.alphabet[Int(value)]
    }
    return String(decoding: out, as: UTF8.self)
  }
}
