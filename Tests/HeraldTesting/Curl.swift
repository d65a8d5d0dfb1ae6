import Foundation

/// curl, as a mail provider or a person's browser would reach `herald serve`: for end-to-end
/// tests of the built binary's listeners.
package enum Curl {
  /// Runs curl with `arguments` (silent, 10 s at most) and returns the status code and the body.
  package static func run(_ arguments: [String]) throws -> (status: Int, body: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "-s", "-w", "\n%{http_code}", "--max-time", "10"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
  }
}
