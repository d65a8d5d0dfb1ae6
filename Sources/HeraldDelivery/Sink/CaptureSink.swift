#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HeraldMail
import Synchronization

/// A small SMTP server on loopback that accepts messages and stores each as an .eml file:
/// Herald's own relay for previews, `make demo` and tests. It can inject faults: defer a
/// share of messages (451), reject recipients matching a pattern (550 5.1.1), or drop the
/// connection in the middle of DATA.
package final class CaptureSink: Sendable {
  /// Faults to inject, for demos and tests.
  package struct Faults: Sendable {
    /// The share of messages answered 451 4.7.1 after DATA (0…1).
    package var deferRate: Double = 0
    /// The share of connections dropped in the middle of DATA (0…1).
    package var dropRate: Double = 0
    /// Recipients containing this text get 550 5.1.1 at RCPT.
    package var rejectPattern: String?
    /// No faults.
    package init() {}
  }

  /// The port it listens on.
  package let port: Int
  /// Where messages are stored: NNNNNN.eml, with the envelope in NNNNNN.envelope.
  package let maildir: URL
  private let listener: Int32
  private let faults: Faults
  private let counter = Atomic<Int>(0)
  private let stopped = Atomic<Bool>(false)
  private let onMessage: (@Sendable (Captured) -> Void)?

  /// A message stored, as a line of the sink's output says it.
  package struct Captured: Sendable, Equatable {
    /// Its number, the name of its files (000001.eml).
    package var number: Int
    /// The envelope's sender.
    package var sender: String
    /// The envelope's recipients.
    package var recipients: [String]
    /// The Subject header, decoded; nil when it has none.
    package var subject: String?
  }

  /// Listens on 127.0.0.1:`port` (0: any free port) and serves connections on their own threads.
  /// - Parameter onMessage: called on the connection's thread after each message is stored.
  /// - Throws: `DeliveryError` `.connection` when the port cannot be had.
  package init(port: Int = 2525, maildir: URL, faults: Faults = Faults(), onMessage: (@Sendable (Captured) -> Void)? = nil) throws {
    try FileManager.default.createDirectory(at: maildir, withIntermediateDirectories: true)
    self.maildir = maildir
    self.faults = faults
    self.onMessage = onMessage
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw DeliveryError(.connection, "cannot open a socket: \(String(cString: strerror(errno)))") }
    var yes: Int32 = 1
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard bound == 0, listen(socket, 64) == 0 else {
      let reason = String(cString: strerror(errno))
      close(socket)
      throw DeliveryError(.connection, "cannot listen on 127.0.0.1:\(port): \(reason); choose another --port")
    }
    var actual = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
    self.port = Int(UInt16(bigEndian: actual.sin_port))
    self.listener = socket
  }

  deinit { close(listener) }

  /// Accepts connections until `stop()`; each is served on a thread of its own.
  package func run() {
    while !stopped.load(ordering: .relaxed) {
      let client = accept(listener, nil, nil)
      if client < 0 {
        if stopped.load(ordering: .relaxed) { return }
        continue
      }
      let thread = Thread { [self] in serve(client) }
      thread.start()
    }
  }

  /// Stops accepting (connections in progress finish).
  package func stop() {
    stopped.store(true, ordering: .relaxed)
    shutdown(listener, Int32(SHUT_RDWR))
  }

  /// How many messages it has stored.
  package var storedCount: Int { counter.load(ordering: .relaxed) }

  private func serve(_ client: Int32) {
    defer { close(client) }
    var yes: Int32 = 1
    setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    #if canImport(Darwin)
    setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))  // no MSG_NOSIGNAL there
    #endif
    let connection = LineConnection(descriptor: client)
    connection.send("220 herald-sink ESMTP ready")
    var sender: String?
    var recipients: [String] = []
    while let line = connection.readLine() {
      let upper = line.uppercased()
      if upper.hasPrefix("EHLO") {
        connection.send("250-herald-sink\r\n250-8BITMIME\r\n250-SIZE 52428800\r\n250 PIPELINING")
      } else if upper.hasPrefix("HELO") {
        connection.send("250 herald-sink")
      } else if upper.hasPrefix("MAIL FROM:") {
        sender = Self.address(in: line)
        recipients = []
        connection.send("250 2.1.0 Ok")
      } else if upper.hasPrefix("RCPT TO:") {
        let recipient = Self.address(in: line)
        if let pattern = faults.rejectPattern, recipient.contains(pattern) {
          connection.send("550 5.1.1 <\(recipient)>: Recipient address rejected: no such user (herald sink --reject)")
        } else if sender == nil {
          connection.send("503 5.5.1 Error: need MAIL command")
        } else {
          recipients.append(recipient)
          connection.send("250 2.1.5 Ok")
        }
      } else if upper == "DATA" {
        guard sender != nil, !recipients.isEmpty else {
          connection.send("503 5.5.1 Error: need RCPT command")
          continue
        }
        connection.send("354 End data with <CR><LF>.<CR><LF>")
        guard let data = connection.readData(dropAfter: Double.random(in: 0..<1) < faults.dropRate ? 200 : nil) else { return }
        if Double.random(in: 0..<1) < faults.deferRate {
          connection.send("451 4.7.1 Try again later (herald sink --defer-rate)")
        } else {
          let number = counter.add(1, ordering: .relaxed).newValue
          let name = String(format: "%06d", number)
          try? Data(data).write(to: maildir.appendingPathComponent("\(name).eml"), options: .atomic)
          let envelope = "MAIL FROM:<\(sender ?? "")>\n" + recipients.map { "RCPT TO:<\($0)>\n" }.joined()
          try? Data(envelope.utf8).write(to: maildir.appendingPathComponent("\(name).envelope"), options: .atomic)
          connection.send("250 2.0.0 Ok: queued as \(name)")
          if let onMessage {
            onMessage(Captured(number: number, sender: sender ?? "", recipients: recipients, subject: ReceivedMessage(parsing: data).subject))
          }
        }
        sender = nil
        recipients = []
      } else if upper == "RSET" {
        sender = nil
        recipients = []
        connection.send("250 2.0.0 Ok")
      } else if upper == "NOOP" {
        connection.send("250 2.0.0 Ok")
      } else if upper == "QUIT" {
        connection.send("221 2.0.0 Bye")
        return
      } else {
        connection.send("502 5.5.2 Error: command not recognized")
      }
    }
  }

  static func address(in line: String) -> String {
    guard let open = line.firstIndex(of: "<"), let close = line[open...].firstIndex(of: ">") else {
      return String(line.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces)
    }
    return String(line[line.index(after: open)..<close])
  }
}

/// Reads CRLF lines and a DATA body from a socket; writes replies.
private final class LineConnection {
  let descriptor: Int32
  var buffer: [UInt8] = []

  init(descriptor: Int32) { self.descriptor = descriptor }

  func send(_ text: String) {
    let bytes = Array((text + "\r\n").utf8)
    var offset = 0
    while offset < bytes.count {
      // A client gone (killed, or one that dropped a transaction it had pipelined) must not
      // take the sink down with SIGPIPE: the reply is lost, and the next read ends the session.
      #if os(Linux)
      let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      #else
      let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      #endif
      if written <= 0 { return }
      offset += written
    }
  }

  private func fill() -> Bool {
    var chunk = [UInt8](repeating: 0, count: 65_536)
    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    guard count > 0 else { return false }
    buffer.append(contentsOf: chunk[..<count])
    return true
  }

  func readLine() -> String? {
    while true {
      if let newline = buffer.firstIndex(of: 0x0A) {
        var line = Array(buffer[..<newline])
        buffer.removeSubrange(...newline)
        if line.last == 0x0D { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
      }
      guard fill() else { return nil }
    }
  }

  /// The message up to the line ".", dot-unstuffed; nil when the client goes away. With
  /// `dropAfter`, the connection is closed after that many bytes (a fault for tests).
  func readData(dropAfter: Int?) -> [UInt8]? {
    var message: [UInt8] = []
    while true {
      if let limit = dropAfter, message.count >= limit { return nil }
      guard let newline = buffer.firstIndex(of: 0x0A) else {
        guard fill() else { return nil }
        continue
      }
      var line = Array(buffer[...newline])
      buffer.removeSubrange(...newline)
      if line == [0x2E, 0x0D, 0x0A] || line == [0x2E, 0x0A] { return message }
      if line.first == 0x2E { line.removeFirst() }
      message.append(contentsOf: line)
    }
  }
}
