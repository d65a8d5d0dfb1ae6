import ArgumentParser
import Foundation
import HeraldCompose
import HeraldDelivery
import HeraldMail

/// DKIM signing for `herald send`, from herald.yml's `dkim:` section.
enum MessageSigning {
  /// The signer herald.yml asks for, or nil when it has no `dkim:` section.
  /// - Throws: `ValidationError` naming the key file and what is wrong with it.
  static func signer(workspace: Workspace, configuration: Configuration) throws -> DKIMSigner? {
    guard let settings = configuration.dkim else { return nil }
    let file = workspace.resolve(settings.key)
    let pem = try Secrets.read(file, what: "the DKIM key (dkim.key in herald.yml)")
    do {
      return try DKIMSigner(domain: settings.domain ?? configuration.from.domain, selector: settings.selector, key: DKIMKey(pem: pem))
    } catch let error as MailError {
      throw ValidationError("\(file.path): \(error.message)")
    }
  }

  /// Signs a batch of messages in place, on every core: RSA signing costs far more than
  /// composing, so it must not run on one thread.
  static func sign(_ messages: inout [OutboxMessage], with signer: DKIMSigner, at time: Date) throws {
    let count = messages.count
    let failures = Failures()
    messages.withUnsafeMutableBufferPointer { buffer in
      let base = UncheckedPointer(buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: count) { index in
        let slot = base.pointer + index
        do {
          slot.pointee.bytes = try signer.sign(slot.pointee.bytes, at: time)
        } catch {
          failures.record("\(slot.pointee.recipient): \(error)")
        }
      }
    }
    if let first = failures.first {
      throw ValidationError("DKIM signing failed for \(first); nothing more was enqueued")
    }
  }

  /// Each index is written by one thread only.
  private struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<OutboxMessage>
    init(_ pointer: UnsafeMutablePointer<OutboxMessage>) { self.pointer = pointer }
  }

  private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func record(_ message: String) { lock.withLock { messages.append(message) } }
    var first: String? { lock.withLock { messages.first } }
  }
}
