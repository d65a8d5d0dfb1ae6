import Foundation

/// The messages in `Fixtures/`, shaped like what mail systems and people send (see its
/// README.md). The folder is excluded from the target's sources, so it is read from disk.
enum InboxFixtures {
  /// The Fixtures folder beside this file.
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  /// The bytes of the fixture `name` ("postfix-dsn-5.1.1.eml").
  static func bytes(_ name: String) -> [UInt8] {
    let url = directory.appendingPathComponent(name)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      preconditionFailure("no fixture \(name) in \(directory.path)")
    }
    return [UInt8](data)
  }

  /// The names of every .eml fixture, sorted.
  static var all: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".eml") }.sorted()
  }
}
