import Foundation
import HeraldCore

extension Workspace {
  /// Keeps a received message's bytes in Inbox/messages/YYYY-MM/DIGEST.eml, written whole
  /// and flushed to the disk before this returns.
  /// - Parameters:
  ///   - digest: the bytes' SHA-256, hex: the file's name.
  ///   - date: when it was read (its month names the folder, in UTC).
  /// - Returns: the file's path relative to the workspace, as the store records it.
  /// - Throws: `FileError` when the folder or the file cannot be written.
  package func keepReceivedMessage(_ bytes: [UInt8], digest: String, at date: Date) throws -> String {
    let relative = Self.receivedMessagePath(digest: digest, at: date)
    let url = root.appendingPathComponent(relative)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try DurableFile.write(bytes, to: url, mode: 0o600, replacing: false)
    return relative
  }

  /// "Inbox/messages/2026-12/DIGEST.eml": where a message read at `date` is kept.
  package static func receivedMessagePath(digest: String, at date: Date) -> String {
    "\(receivedMessagesFolder(at: date))/\(digest).eml"
  }

  /// "Inbox/messages/2026-12": the folder of the messages read at `date` (its month, in UTC).
  package static func receivedMessagesFolder(at date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month], from: date)
    return String(format: "Inbox/messages/%04d-%02d", parts.year ?? 1970, parts.month ?? 1)
  }
}
