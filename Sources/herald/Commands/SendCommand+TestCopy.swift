import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCore
import HeraldMail
import HeraldStore

extension SendCommand {
  /// The addresses of --test-to, each a valid address.
  var testAddresses: [Mailbox] {
    get throws {
      try (testTo ?? "").split(separator: ",").map { part in
        let text = part.trimmingCharacters(in: .whitespaces)
        do {
          return try Mailbox(parsing: text)
        } catch let error as MailError {
          throw ValidationError("--test-to: “\(text)” is not an address: \(error.message)")
        }
      }
    }
  }

  func validateTestCopy() throws {
    guard let testTo else {
      if testAs != nil { throw ValidationError("--as chooses whose message a test copy shows; add --test-to ADDRESS") }
      return
    }
    if dryRun || queueOnly || at != nil || again || correctionOf != nil || listRecipients {
      throw ValidationError("--test-to sends one test copy now; leave out --dry-run, --queue-only, --at, --again, --correction-of and --list-recipients")
    }
    if try testAddresses.isEmpty { throw ValidationError("--test-to “\(testTo)” names no address; write --test-to you@example.org[,…]") }
  }

  /// `--test-to`: what one subscriber would get, to the given addresses only, through the relay.
  func sendTestCopy() async throws {
    let mailroom = try options.mailroom()
    var request = TestCopyRequest(release: release, to: try testAddresses)
    request.subscriber = testAs
    request.lists = list
    let relay = try mailroom.relay(override: smtp)
    let session = mailroom.deliverySession(relay: relay, onWarning: { Terminal.warning($0) })
    let result: TestCopyResult
    do {
      result = try await BlockingWork.runOnThread(named: "herald-test-copy") { [request] in try mailroom.sendTestCopy(request, session: session) }
    } catch let error as CampaignError where error.code == .releaseHasErrors {
      Terminal.report(error.diagnostics)
      throw CampaignError(.releaseHasErrors, "the release has errors (above); no test copy was sent")
    }
    if json {
      try JSONOutput.print(TestCopyJSON(result))
    } else {
      func row(_ label: String, _ value: String) {
        Terminal.say(Terminal.paint(label.padding(toLength: 11, withPad: " ", startingAt: 0), .bold) + Terminal.safe(value))
      }
      let subscriber = result.subscriber
      let who = [subscriber.name, subscriber.organization].compactMap { $0 }.filter { !$0.isEmpty }
      row("Subject", result.subject)
      row("As", subscriber.email + (who.isEmpty ? "" : " (\(who.joined(separator: ", ")))") + ", through \(result.list)")
      row("Relay", relay.url ?? "")
      for copy in result.copies {
        switch copy.outcome {
        case .sent?: Terminal.say("Sent a test copy to \(Terminal.safe(copy.to)).")
        case .deferred?: Terminal.warning("the relay deferred the test copy to \(copy.to) (\(copy.detail ?? "")); herald deliver retries it")
        case .failed?: Terminal.warning("the relay refused the test copy to \(copy.to): \(copy.detail ?? "")")
        case nil: Terminal.warning("the test copy to \(copy.to) waits in the Outbox; herald deliver sends it")
        }
      }
      Terminal.say("A test copy is no delivery: herald send still reaches every recipient, and the report does not count it.")
    }
    if result.copies.contains(where: { $0.outcome == .failed }) { throw ExitCode.failure }
  }

  /// `--dry-run --list-recipients`: who would get it, in the order it would be written.
  func printRecipients(of plan: CampaignPlan, mailroom: Mailroom) throws {
    var rows = [["EMAIL", "NAME", "ORGANIZATION", "LIST"]]
    try mailroom.forEachRecipient(of: plan) { recipient in
      let subscriber = recipient.subscriber
      rows.append([subscriber.email, subscriber.name ?? "", subscriber.organization ?? "", recipient.list])
    }
    Terminal.say()
    Terminal.table(rows)
  }
}
