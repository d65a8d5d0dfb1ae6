import HeraldStore

extension Mailroom {
  /// Who a plan sends to, as `send` writes their messages: each subscriber once, with the
  /// list they get it through, in the same order; those who already received the release
  /// (unless `again`) or have it in the Outbox already are left out. For a dry run that
  /// lists them (`herald send --dry-run --list-recipients`).
  /// - Throws: `StoreError` when the store cannot be read, or what `body` throws.
  package func forEachRecipient(of plan: CampaignPlan, _ body: (SubscriberStore.Recipient) throws -> Void) throws {
    try store.forEachRecipient(plan.audience, excludingReceived: plan.excludingReceived) { recipient in
      if !plan.skipping.contains(recipient.subscriber.id) { try body(recipient) }
    }
  }
}
