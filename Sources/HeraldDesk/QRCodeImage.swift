import Foundation

/// A QR code as an SVG image, made by Debian's `qrencode` (scripts/bootstrap installs it):
/// what a phone's authenticator app scans to take a secret without typing it.
///
/// The text goes to qrencode on its standard input, never in its arguments (it is a secret,
/// and arguments are visible to every user of the machine).
enum QRCodeImage {
  static let executable = "/usr/bin/qrencode"

  /// The SVG of `text`'s QR code; nil when qrencode is not installed or fails (the page then
  /// shows the key to type in, which always works).
  static func svg(_ text: String) -> [UInt8]? {
    guard FileManager.default.isExecutableFile(atPath: executable) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["--type=SVG", "--output=-", "--level=M", "--margin=2"]
    process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      return nil
    }
    // A few hundred bytes in, a few dozen kilobytes out: the input fits the pipe, the output is
    // read to the end before waiting.
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    let svg = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, !svg.isEmpty else { return nil }
    return Array(svg)
  }

  /// The image as a `data:` address for an <img> (the desk's CSP allows data: images).
  static func dataURL(_ svg: [UInt8]) -> String {
    "data:image/svg+xml;base64," + Data(svg).base64EncodedString()
  }
}
