import Foundation
import HeraldCore

/// Secrets kept in files: readable by their owner only, never echoed.
package enum Secrets {
  /// Reads a secret from a file that only its owner may read, without its final newline.
  /// - Parameter what: What the file holds, for messages: "the DKIM key (dkim.key in herald.yml)".
  /// - Throws: `WorkspaceError` `.secret` naming the file and what to do (chmod 600) when
  ///   others can read it, or it cannot be read or is not text.
  package static func read(_ file: URL, what: String) throws -> String {
    var status = stat()
    guard stat(file.path, &status) == 0 else {
      let number = errno
      throw WorkspaceError(.secret, "cannot read \(what) \(file.path): \(String(cString: strerror(number)))", underlying: SystemError(number))
    }
    guard status.st_mode & 0o077 == 0 else {
      throw WorkspaceError(.secret, "\(what) \(file.path) can be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 \(file.path)")
    }
    guard let data = FileManager.default.contents(atPath: file.path), let text = String(validating: data, as: UTF8.self) else {
      throw WorkspaceError(.secret, "cannot read \(what) \(file.path): it is not a readable text file")
    }
    return text.hasSuffix("\n") ? String(text.dropLast()) : text
  }
}
