import Foundation
import HeraldCore
import HeraldMail
import HeraldStore
import Logging
import ServiceLifecycle

/// The reminders of inquiries' deadlines: the assignee (a desk user) of an unanswered
/// inquiry gets one email `lead` before its deadline, once per deadline (a new deadline
/// arms it again), through the Outbox. `herald serve` runs it every minute
/// (`InquiryReminderService`); `herald inquiries remind` runs it once, for cron.
package struct InquiryReminders: Sendable {
  let mailroom: Mailroom
  /// How long before the deadline the reminder goes.
  package let lead: TimeInterval
  /// The inquiry's address in the desk, for the email.
  let link: @Sendable (Int64) -> String?
  let logger: Logger

  /// Reminders `lead` before deadlines; `link` gives the desk's address of an inquiry.
  package init(mailroom: Mailroom, lead: TimeInterval, link: @escaping @Sendable (Int64) -> String? = { _ in nil }, logger: Logger) {
    self.mailroom = mailroom
    self.lead = lead
    self.link = link
    self.logger = logger
  }

  /// Writes the reminders due at `now` to the Outbox.
  /// - Returns: the inquiries reminded.
  /// - Throws: `StoreError` when the store cannot be read; a reminder that cannot be written
  ///   is logged and tried again at the next run.
  @discardableResult
  package func run(now: Date) throws -> [Int64] {
    var reminded: [Int64] = []
    for due in try mailroom.store.inquiryRemindersDue(before: now.addingTimeInterval(lead)) {
      guard let deadline = due.inquiry.dueAt else { continue }
      do {
        // Marked first: another process running the same pass sends nothing twice.
        guard try mailroom.store.markInquiryReminded(due.inquiry.id, for: deadline) else { continue }
        do {
          try mailroom.enqueueInquiryNotice(
            due.inquiry, reason: .deadline(deadline), to: Mailbox(name: due.name, address: due.email), link: link(due.inquiry.id), at: now)
        } catch {
          try? mailroom.store.unmarkInquiryReminded(due.inquiry.id)
          throw error
        }
        reminded.append(due.inquiry.id)
      } catch {
        logger.error("an inquiry's reminder could not be written", metadata: ["inquiry": "\(due.inquiry.id)", "error": "\(error)"])
      }
    }
    return reminded
  }
}

/// `InquiryReminders` as a service of `herald serve`: a pass every `interval` (a minute), at
/// the mailroom's clock's time, until the group shuts down.
package struct InquiryReminderService: Service {
  let reminders: InquiryReminders
  let interval: Duration

  package init(reminders: InquiryReminders, interval: Duration = .seconds(60)) {
    self.reminders = reminders
    self.interval = interval
  }

  package func run() async throws {
    while !Task.isCancelled {
      let reminders = self.reminders
      do {
        _ = try await BlockingWork.run { try reminders.run(now: reminders.mailroom.clock.now) }
      } catch {
        reminders.logger.error("inquiry reminders could not be checked", metadata: ["error": "\(error)"])
      }
      do {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
      } catch {
        return  // shutting down
      }
    }
  }
}
