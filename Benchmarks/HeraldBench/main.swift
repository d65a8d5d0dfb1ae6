import Foundation
import HeraldCompose
import HeraldMail

// Compose-once, personalise-per-recipient benchmark: composes the release once, then
// personalises and encodes N messages on one thread, and prints one JSON line.
// Usage: herald-bench compose WORKSPACE RELEASE.md [COUNT]

let arguments = CommandLine.arguments
guard arguments.count >= 4, arguments[1] == "compose" else {
  FileHandle.standardError.write(Data("usage: herald-bench compose WORKSPACE RELEASE.md [COUNT]\n".utf8))
  exit(2)
}
let workspace = Workspace(root: URL(fileURLWithPath: arguments[2], isDirectory: true))
let count = arguments.count > 4 ? Int(arguments[4]) ?? 20_000 : 20_000
do {
  let setupStart = DispatchTime.now()
  let release = try Release(contentsOf: arguments[3])
  let composed = try ComposedRelease(
    release: release, templates: try workspace.templates(), configuration: try workspace.configuration(),
    signer: LinkSigner(secret: Array(repeating: 7, count: 32)))
  let setup = Double(DispatchTime.now().uptimeNanoseconds - setupStart.uptimeNanoseconds) / 1e9

  let recipients = (0..<count).map { index in
    Recipient(
      mailbox: Mailbox(name: "Reader \(index) Example", address: "reader\(index)@example.com"),
      organization: index % 3 == 0 ? "Example Daily" : nil, attributes: ["beat": "water"])
  }
  let date = Date()
  var totalBytes = 0
  let start = DispatchTime.now()
  for (index, recipient) in recipients.enumerated() {
    let message = composed.message(for: recipient, list: "press-en", stamp: MessageStamp(date: date, unique: "b\(index)"))
    totalBytes += message.bytes.count
  }
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
  print(
    "{\"tool\":\"herald\",\"messages\":\(count),\"seconds\":\(seconds),\"messages_per_second\":\(Double(count) / seconds),\"average_bytes\":\(totalBytes / count),\"setup_seconds\":\(setup)}"
  )
} catch {
  FileHandle.standardError.write(Data("herald-bench: \(error)\n".utf8))
  exit(1)
}
