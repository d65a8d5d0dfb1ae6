import Foundation
import HeraldCore
import HeraldMail

/// One person a release is sent to, with what the templates may use to personalise it.
package struct Recipient: Sendable, Hashable {
  /// The address and display name.
  package var mailbox: Mailbox
  /// The organisation they work for (a newsroom, a ministry); optional.
  package var organization: String?
  /// Custom attributes, available in templates as `{{subscriber.KEY}}`.
  package var attributes: [String: String]
  /// The subscriber's id in the store, named in their signed links; nil for a preview
  /// recipient who is not a subscriber (their address is used instead).
  package var subscriberID: SubscriberID?

  /// Makes a recipient.
  package init(mailbox: Mailbox, organization: String? = nil, attributes: [String: String] = [:], subscriberID: SubscriberID? = nil) {
    self.mailbox = mailbox
    self.organization = organization
    self.attributes = attributes
    self.subscriberID = subscriberID
  }

  /// Who the recipient is in their links: the store id, or the address.
  var linkSubject: String { subscriberID?.description ?? mailbox.address.lowercased() }

  /// The `subscriber` values templates see, sorted by key, empty ones left out. Custom
  /// attributes cannot override the standard fields (name, first_name, email, organization).
  var templateFields: [(key: String, value: String)] {
    var fields: [(key: String, value: String)] = []
    fields.reserveCapacity(attributes.count + 4)
    for (key, value) in attributes where !value.isEmpty && !Self.standardFields.contains(key) {
      fields.append((key, value))
    }
    fields.append(("email", mailbox.address))
    if let name = mailbox.name, !name.isEmpty {
      fields.append(("name", name))
      fields.append(("first_name", name.split(separator: " ").first.map(String.init) ?? name))
    }
    if let organization, !organization.isEmpty { fields.append(("organization", organization)) }
    return fields.sorted { $0.key < $1.key }
  }

  /// The value `{{subscriber.KEY}}` gives for them; nil when it is empty or they have none.
  package func templateValue(_ key: String) -> String? {
    templateFields.first { $0.key == key }?.value
  }

  /// The fields every recipient has (empty or not), whatever their attributes.
  package static let standardFields: Set<String> = ["email", "name", "first_name", "organization"]
}

/// What makes one message distinct in time and identity: its Date header and the unique
/// token in its Message-ID and MIME boundary. Fixed stamps give byte-for-byte repeatable
/// messages for golden-file tests.
package struct MessageStamp: Sendable, Hashable {
  /// The Date header's instant.
  package var date: Date
  /// Letters and digits, unique per message.
  package var unique: String

  /// Makes a stamp.
  package init(date: Date, unique: String) {
    self.date = date
    self.unique = unique
  }

  /// A stamp dated `date` (by default now) with 80 random bits.
  package static func now(at date: Date = Date()) -> MessageStamp {
    var generator = SystemRandomNumberGenerator()
    let random = (0..<10).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return MessageStamp(date: date, unique: Base32.encode(random))
  }
}

/// One composed message: the exact bytes to send and what identifies it.
package struct ComposedMessage: Sendable {
  /// The message, CRLF line ends, ready for the spool and DKIM.
  package var bytes: [UInt8]
  /// Its Message-ID.
  package var messageID: MessageID
  /// The envelope recipient.
  package var recipient: Mailbox
}

extension MessageStamp {
  /// A fixed stamp (2020-03-31 08:00:00 UTC, unique "0000000000000000") for output that is
  /// the same byte for byte on every run.
  package static let fixed = MessageStamp(date: Date(timeIntervalSince1970: 1_585_641_600), unique: "0000000000000000")
}
