import Foundation
import HeraldCore
import HeraldDelivery
import HeraldMail

/// DKIM signing with every configured key, one signature per key. Batches are signed on
/// every core: an RSA signature costs far more than composing a message.
package enum MessageSigning {
  /// Signs a batch of messages in place with every signer: each message gets one
  /// DKIM-Signature per key, computed over the message as composed (a signature's h= does
  /// not list DKIM-Signature, so their order does not matter to verifiers).
  /// - Throws: `CampaignError` `.signing` naming the first recipient whose message failed.
  static func sign(_ messages: inout [OutboxMessage], with signers: [DKIMSigner], at time: Date) throws {
    guard !signers.isEmpty else { return }
    let count = messages.count
    let failures = Shared<[(text: String, error: any Error)]>([])
    messages.withUnsafeMutableBufferPointer { buffer in
      let base = UncheckedPointer(buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: count) { index in
        let slot = base.pointer + index
        do {
          slot.pointee.bytes = try sign(slot.pointee.bytes, with: signers, at: time)
        } catch {
          let text = "\(slot.pointee.recipient): \(error)"
          failures.withLock { $0.append((text, error)) }
        }
      }
    }
    if let first = failures.value.first {
      throw CampaignError(.signing, "DKIM signing failed for \(first.text); nothing more was enqueued", underlying: first.error)
    }
  }

  /// One message with a signature per signer in front, in the signers' order.
  package static func sign(_ message: [UInt8], with signers: [DKIMSigner], at time: Date) throws -> [UInt8] {
    guard !signers.isEmpty else { return message }
    var signed: [UInt8] = []
    for signer in signers { signed.append(contentsOf: try signer.signature(for: message, at: time)) }
    signed.reserveCapacity(signed.count + message.count)
    signed.append(contentsOf: message)
    return signed
  }

  /// Each index is written by one thread only.
  private struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<OutboxMessage>
    init(_ pointer: UnsafeMutablePointer<OutboxMessage>) { self.pointer = pointer }
  }
}
