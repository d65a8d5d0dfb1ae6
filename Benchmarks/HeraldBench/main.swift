import Foundation
import HeraldCompose
import HeraldInbox
import HeraldMail
import HeraldStore
import HeraldWorkspace

// Benchmarks that need Herald's libraries in-process; each prints one JSON line.
//   herald-bench compose WORKSPACE RELEASE.md [COUNT] [--media]: compose once (--media: with its
//   photos and files from Media/), then personalise and
//     encode COUNT messages on one thread.
//   herald-bench select DATABASE LIST…: stream the recipients of the lists.
//   herald-bench dkim WORKSPACE RELEASE.md [SECONDS]: DKIM-sign (RSA-2048) the composed
//     release again and again on one thread for SECONDS; signatures per second.
//   herald-bench classify MBOX [--recipients FILE]: read the mbox one message at a time
//     (MboxReader), parse and classify each (what `herald inbox import` does before it
//     stores); messages per second, the count per class, the bounced recipients found, and
//     the peak memory. With --recipients, FILE gets a line "bounce ADDRESS" for each bounced
//     recipient and "complaint ADDRESS" for each complaint's (to compare with a peer's).
//   herald-bench http-floor [--port PORT] [--bytes COUNT]: a Hummingbird server with one
//     route, GET / giving a fixed HTML page of COUNT bytes (12,000 by default), on 127.0.0.1
//     (port 0, a free one, by default); prints `Listening on http://127.0.0.1:PORT` first and
//     runs until SIGINT. The web benchmark's floor.
//   herald-bench unsubscribe-links WORKSPACE LIST: prints /unsubscribe/TOKEN for every
//     subscribed member of LIST, one a line (the paths the web benchmark POSTs to).

let arguments = CommandLine.arguments
if arguments.count >= 2 && arguments[1] == "http-floor" {
  var options = ["--port": 0, "--bytes": 12_000]
  var rest = arguments.dropFirst(2)
  while let name = rest.popFirst() {
    guard options[name] != nil, let text = rest.popFirst(), let value = Int(text), value >= 0,
      name != "--port" || value <= 65_535
    else {
      FileHandle.standardError.write(Data("usage: herald-bench http-floor [--port 0…65535] [--bytes COUNT]\n".utf8))
      exit(2)
    }
    options[name] = value
  }
  runHTTPFloor(port: options["--port"]!, bytes: options["--bytes"]!)
}
if arguments.count >= 4 && arguments[1] == "unsubscribe-links" {
  do {
    _ = try printUnsubscribeLinks(workspace: URL(fileURLWithPath: arguments[2], isDirectory: true), list: arguments[3])
    exit(0)
  } catch {
    FileHandle.standardError.write(Data("herald-bench: \(error)\n".utf8))
    exit(1)
  }
}
if arguments.count >= 3 && arguments[1] == "classify" {
  do {
    let context = ClassifierContext(
      unsubscribeAddresses: ["unsubscribe@example.org"], ownAddresses: ["press@example.org"], languages: ["en", "de"])
    let reader = try MboxReader(path: arguments[2])
    let listing = arguments.count >= 5 && arguments[3] == "--recipients" ? arguments[4] : nil
    var classes: [String: Int] = [:]
    var recipients = 0
    var bytes = 0
    var found = ""
    let start = DispatchTime.now()
    while let raw = try reader.next() {
      bytes += raw.count
      let result = Classifier.classify(ReceivedMessage(parsing: raw), context: context)
      classes[result.kind.rawValue, default: 0] += 1
      recipients += result.bounce?.recipients.count ?? 0
      if listing != nil {
        for recipient in result.bounce?.recipients ?? [] { found += "bounce \(recipient.address)\n" }
        for address in result.complaint?.recipients ?? [] { found += "complaint \(address)\n" }
      }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    if let listing { try Data(found.utf8).write(to: URL(fileURLWithPath: listing)) }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let count = classes.values.reduce(0, +)
    let classJSON = classes.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
    print("{\"tool\":\"herald\",\"messages\":\(count),\"bytes\":\(bytes),\"seconds\":\(seconds),\"messages_per_second\":\(Double(count) / seconds),\"bounced_recipients\":\(recipients),\"classes\":{\(classJSON)},\"max_rss_kb\":\(usage.ru_maxrss)}")
    exit(0)
  } catch {
    FileHandle.standardError.write(Data("herald-bench: \(error)\n".utf8))
    exit(1)
  }
}
if arguments.count >= 4 && arguments[1] == "dkim" {
  do {
    let workspace = Workspace(root: URL(fileURLWithPath: arguments[2], isDirectory: true))
    let seconds = arguments.count > 4 ? Double(arguments[4]) ?? 5 : 5
    let composed = try ComposedRelease(
      release: try Release(contentsOf: arguments[3]), templates: try workspace.templates(),
      settings: try workspace.configuration().compose, signer: LinkSigner(secret: Array(repeating: 7, count: 32)))
    let message = composed.message(
      for: Recipient(mailbox: Mailbox(name: "Reader Example", address: "reader@example.com")), list: "press-en",
      stamp: MessageStamp(date: Date(), unique: "dkimbench")).bytes
    let signer = try DKIMSigner(domain: "example.org", selector: "bench", key: try DKIMKey.generate(.rsa, bits: 2048))
    let start = DispatchTime.now()
    var count = 0
    var elapsed = 0.0
    while elapsed < seconds {
      for _ in 0..<50 { _ = try signer.signature(for: message, at: Date()) }
      count += 50
      elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
    print("{\"tool\":\"herald\",\"signatures\":\(count),\"seconds\":\(elapsed),\"signatures_per_second\":\(Double(count) / elapsed),\"message_bytes\":\(message.count)}")
    exit(0)
  } catch {
    FileHandle.standardError.write(Data("herald-bench: \(error)\n".utf8))
    exit(1)
  }
}
if arguments.count >= 4 && arguments[1] == "select" {
  do {
    let store = try SubscriberStore(path: arguments[2])
    let start = DispatchTime.now()
    var checksum: Int64 = 0
    let count = try store.forEachRecipient(of: Array(arguments[3...])) { checksum &+= $0.subscriber.id.rawValue }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print("{\"tool\":\"herald\",\"recipients\":\(count),\"seconds\":\(seconds),\"max_rss_kb\":\(usage.ru_maxrss),\"checksum\":\(checksum)}")
    exit(0)
  } catch {
    FileHandle.standardError.write(Data("herald-bench: \(error)\n".utf8))
    exit(1)
  }
}
guard arguments.count >= 4, arguments[1] == "compose" else {
  FileHandle.standardError.write(Data("usage: herald-bench compose WORKSPACE RELEASE.md [COUNT]\n".utf8))
  exit(2)
}
let workspace = Workspace(root: URL(fileURLWithPath: arguments[2], isDirectory: true))
let count = arguments.count > 4 ? Int(arguments[4]) ?? 20_000 : 20_000
// --media: the release's photos and files resolved through the workspace's Media/ (made
// there first by `herald check`), as herald send composes it.
let withMedia = arguments.contains("--media")
do {
  let setupStart = DispatchTime.now()
  let release = try Release(contentsOf: arguments[3])
  let composed = try ComposedRelease(
    release: release, templates: try workspace.templates(), settings: try workspace.configuration().compose,
    signer: LinkSigner(secret: Array(repeating: 7, count: 32)), mediaFolder: withMedia ? MediaFolder(directory: workspace.mediaDirectory) : nil)
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
