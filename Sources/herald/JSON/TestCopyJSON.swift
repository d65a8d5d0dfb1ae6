import HeraldCampaign
import HeraldCore
import HeraldStore

/// One recipient of a send, in `herald send --dry-run --json`'s `recipient_list`.
struct RecipientJSON: Encodable {
  var email: String
  @Nullable var name: String?
  @Nullable var organization: String?
  /// The list they get it through.
  var list: String

  init(_ recipient: SubscriberStore.Recipient) {
    email = recipient.subscriber.email
    name = recipient.subscriber.name
    organization = recipient.subscriber.organization
    list = recipient.list
  }
}

/// `herald send RELEASE --test-to ADDRESS --json`: whose message it is, and each copy.
struct TestCopyJSON: Encodable {
  /// The Outbox's name for the test copies (`_test-copy-…`).
  var campaign: CampaignID
  var subject: String
  /// The subscriber whose message it is.
  var `as`: String
  var list: String
  var copies: [Copy]

  struct Copy: Encodable {
    var to: String
    /// "sent", "deferred", "failed", or null when it was not tried.
    @Nullable var outcome: String?
    @Nullable var detail: String?
  }

  init(_ result: TestCopyResult) {
    campaign = result.campaign
    subject = result.subject
    `as` = result.subscriber.email
    list = result.list
    copies = result.copies.map { Copy(to: $0.to, outcome: $0.outcome?.rawValue, detail: $0.detail) }
  }
}
