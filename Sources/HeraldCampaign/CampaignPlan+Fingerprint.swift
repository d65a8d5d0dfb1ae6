import Crypto
import Foundation
import HeraldCore

extension CampaignPlan {
  /// A digest of what a person confirms: the release's files as they are now (the original
  /// and its translations), the lists, the correction, `again`, the time of a scheduled
  /// send, the conditions, and who gets it and who is left out. Two plans with the same
  /// fingerprint send the same release to the same number of people the same way; a
  /// confirmation carries it, and a send whose plan has changed since is confirmed again.
  /// - Parameter extra: anything else the confirmation covers (the desk's options).
  package func fingerprint(extra: String = "") -> String {
    var hash = SHA256()
    func add(_ text: String) {
      hash.update(data: Data(text.utf8))
      hash.update(data: Data([0]))
    }
    for release in family.family.releases.sorted(by: { $0.file < $1.file }) {
      add(release.file)
      // A file that cannot be read now differs from any that could.
      hash.update(data: FileManager.default.contents(atPath: release.file) ?? Data("unreadable".utf8))
      hash.update(data: Data([0]))
    }
    add(lists.joined(separator: "\n"))
    add(correctionOf?.rawValue ?? "")
    add(again ? "again" : "")
    add(scheduled ? "\(Int64(date.timeIntervalSince1970))" : "now")
    add(conditions.map(\.description).joined(separator: "\n"))
    add("\(recipients) \(suppressed) \(alreadyReceived) \(inOutbox) \(embargo?.copies ?? 0) \(embargo?.atLift ?? 0)")
    add(extra)
    return hash.finalize().map { String(format: "%02x", $0) }.joined()
  }
}
