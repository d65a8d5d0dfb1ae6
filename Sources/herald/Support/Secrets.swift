import ArgumentParser
import Foundation

/// Secrets kept in files: readable by their owner only, never echoed.
enum Secrets {
  /// Reads a secret from a file that only its owner may read, without its final newline.
  /// - Throws: `ValidationError` naming the file and what to do (chmod 600) when others
  ///   can read it or it cannot be read.
  static func read(_ file: URL, what: String) throws -> String {
    var status = stat()
    guard stat(file.path, &status) == 0 else {
      throw ValidationError("cannot read \(what) \(file.path): \(String(cString: strerror(errno)))")
    }
    guard status.st_mode & 0o077 == 0 else {
      throw ValidationError("\(what) \(file.path) can be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 \(file.path)")
    }
    guard let text = try? String(contentsOf: file, encoding: .utf8) else {
      throw ValidationError("cannot read \(what) \(file.path): it is not a text file")
    }
    return text.hasSuffix("\n") ? String(text.dropLast()) : text
  }
}
