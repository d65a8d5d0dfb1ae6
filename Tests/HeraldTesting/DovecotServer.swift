import Foundation

/// A real Dovecot IMAP server on 127.0.0.1, started for one test in a folder of its own and
/// stopped when this is released: one user (a passwd-file), whose mail is a Maildir the test
/// writes to directly, and `doveadm` to ask Dovecot what it sees.
///
/// Dovecot will not run its login processes as root: when the tests run as root (CI), the
/// login, internal and mail processes run as `herald-test` (scripts/bootstrap creates it),
/// which owns the Maildir. Otherwise everything runs as the user running the tests.
package final class DovecotServer {
  /// The port it listens on for IMAP (STARTTLS required when started with `tls`).
  package let port: Int
  /// The port of IMAP over TLS from the first byte (imaps://), when started with `tls`.
  package let tlsPort: Int?
  /// The self-signed certificate (PEM) it presents when started with `tls`, for 127.0.0.1
  /// and localhost: a client's CA file.
  package let certificateFile: URL?
  /// The user's login name and password.
  package let username: String
  package let password: String
  /// Its folder: dovecot.conf, dovecot.log, the Maildir.
  package let directory: URL
  private let maildir: URL
  private let configuration: URL
  private let owner: (uid: uid_t, gid: gid_t)
  private var server: BackgroundProcess?
  /// Maildir file names are made unique and sorted in delivery order with this.
  private var deliveries = 0
  private let started = Int(Date().timeIntervalSince1970)

  /// The user the test's Dovecot runs its unprivileged processes as when tests run as root.
  package static let unprivilegedUser = "herald-test"

  /// Starts Dovecot and waits (up to 10 s) until it greets.
  /// - Parameters:
  ///   - mechanisms: Dovecot's `auth_mechanisms` (libcurl picks PLAIN when offered).
  ///   - capability: Dovecot's `imap_capability` after login, replacing its own (to take
  ///     away MOVE, UIDPLUS or SASL-IR); nil for Dovecot's.
  ///   - tls: TLS required: STARTTLS on `port`, TLS from the start on `tlsPort`, with a
  ///     self-signed certificate (`certificateFile`).
  /// - Throws: `DovecotServerError` when Dovecot is not installed or does not start.
  package init(username: String = "press", password: String, mechanisms: [String] = ["plain", "login"], capability: String? = nil, tls: Bool = false) throws {
    guard FileManager.default.isExecutableFile(atPath: Self.dovecot) else {
      throw DovecotServerError("Dovecot is not installed (\(Self.dovecot)): run scripts/bootstrap, which installs dovecot-imapd")
    }
    self.username = username
    self.password = password
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dovecot-\(UUID().uuidString)")
    maildir = directory.appendingPathComponent("Maildir")
    configuration = directory.appendingPathComponent("dovecot.conf")
    let runsAs: String
    if geteuid() == 0 {
      guard let entry = getpwnam(Self.unprivilegedUser) else {
        throw DovecotServerError("no user \(Self.unprivilegedUser) for Dovecot's processes (it will not run them as root): run scripts/bootstrap")
      }
      owner = (entry.pointee.pw_uid, entry.pointee.pw_gid)
      runsAs = Self.unprivilegedUser
    } else {
      owner = (geteuid(), getegid())
      runsAs = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? NSUserName()
    }
    port = try BackgroundProcess.freePort()
    tlsPort = tls ? try BackgroundProcess.freePort() : nil
    certificateFile = tls ? directory.appendingPathComponent("cert.pem") : nil
    let fileManager = FileManager.default
    try fileManager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    for folder in ["run", "state", "home"] {
      try fileManager.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    try own(directory.appendingPathComponent("home"))
    try makeMaildir(maildir)
    // passwd-file: "user:{scheme}password:uid:gid:gecos:home:shell:extra"; base64 keeps any
    // password (a colon, say) whole.
    let users = directory.appendingPathComponent("users")
    try "\(username):{PLAIN.b64}\(Data(password.utf8).base64EncodedString())::::::\n".write(to: users, atomically: true, encoding: .utf8)
    let path = directory.path
    var lines = [
      "protocols = imap",
      "listen = 127.0.0.1",
      tls ? "ssl = required" : "ssl = no",
      "disable_plaintext_auth = \(tls ? "yes" : "no")",
      "auth_mechanisms = \(mechanisms.joined(separator: " "))",
      "auth_failure_delay = 0",  // a wrong password answered at once, not after 2 s
      "base_dir = \(path)/run",
      "state_dir = \(path)/state",
      "log_path = \(path)/dovecot.log",
      "default_login_user = \(runsAs)",
      "default_internal_user = \(runsAs)",
      "first_valid_uid = \(owner.uid)",
      "first_valid_gid = \(owner.gid)",
      "mail_location = maildir:\(maildir.path)",
      "passdb {", "  driver = passwd-file", "  args = scheme=PLAIN username_format=%u \(users.path)", "}",
      "userdb {", "  driver = static", "  args = uid=\(owner.uid) gid=\(owner.gid) home=\(path)/home mail=maildir:\(maildir.path)", "}",
      // No chroot: the login, anvil and stats processes would need a root-owned empty folder.
      "service imap-login {", "  chroot =", "  inet_listener imap {", "    address = 127.0.0.1", "    port = \(port)", "  }",
      "  inet_listener imaps {", "    address = 127.0.0.1", "    port = \(tlsPort ?? 0)", "  }", "}",
      "service anvil {", "  chroot =", "}",
      "service stats {", "  chroot =", "}",
    ]
    if let capability { lines.append("imap_capability = \(capability)") }
    if let certificateFile {
      let key = directory.appendingPathComponent("key.pem")
      try Self.makeCertificate(certificateFile, key: key)
      lines += ["ssl_cert = <\(certificateFile.path)", "ssl_key = <\(key.path)"]
    }
    try (lines.joined(separator: "\n") + "\n").write(to: configuration, atomically: true, encoding: .utf8)

    // In the foreground, so it is our child and goes with us.
    let process = try BackgroundProcess(URL(fileURLWithPath: Self.dovecot), ["-F", "-c", configuration.path])
    server = process
    guard waitForGreeting(timeout: 10) else {
      process.stop()
      throw DovecotServerError("Dovecot did not start on 127.0.0.1:\(port): \(process.output)\(log)")
    }
  }

  deinit {
    // SIGKILL: a child of the test runner inherits its blocked SIGTERM. Dovecot's own
    // children see their master gone and exit.
    server?.stop()
    try? FileManager.default.removeItem(at: directory)
  }

  private static let dovecot = "/usr/sbin/dovecot"
  private static let doveadm = "/usr/bin/doveadm"

  /// "imap://127.0.0.1:PORT/INBOX" ("imaps://127.0.0.1:TLSPORT/INBOX" when `tls`), the
  /// mailbox percent-encoded.
  package func url(mailbox: String = "INBOX", tls: Bool = false) -> String {
    let base = tls ? "imaps://127.0.0.1:\(tlsPort ?? 0)/" : "imap://127.0.0.1:\(port)/"
    return base + (mailbox.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? mailbox)
  }

  /// What Dovecot has logged so far (for a failing test's message).
  package var log: String {
    (try? String(contentsOf: directory.appendingPathComponent("dovecot.log"), encoding: .utf8)) ?? ""
  }

  // MARK: Mail

  /// Writes a message into the mailbox's Maildir, the way a delivery agent does: a file in
  /// tmp/, renamed into new/ (unseen) or cur/ with the \Seen flag. Dovecot gives it the next
  /// UID when a client next looks. Mailboxes other than INBOX are Maildir++ folders
  /// (".Name", the name in modified UTF-7), made when missing.
  /// - Returns: the file's unique name (the part before ":2,").
  @discardableResult
  package func deliver(_ bytes: [UInt8], to mailbox: String = "INBOX", seen: Bool = false) throws -> String {
    let folder = try self.folder(mailbox, create: true)
    deliveries += 1
    let unique = "\(started).M\(deliveries)P\(getpid()).herald-test"
    let temporary = folder.appendingPathComponent("tmp").appendingPathComponent(unique)
    try Data(bytes).write(to: temporary)
    try own(temporary)
    let final = seen ? folder.appendingPathComponent("cur").appendingPathComponent(unique + ":2,S") : folder.appendingPathComponent("new").appendingPathComponent(unique)
    guard rename(temporary.path, final.path) == 0 else { throw DovecotServerError("cannot move \(temporary.path) into the Maildir: errno \(errno)") }
    return unique
  }

  /// Each message's flags by UID, as Dovecot sees them (`doveadm fetch 'uid flags'`):
  /// [1: ["\\Seen"], 2: []]. \\Recent, which belongs to a session, is left out.
  package func flags(in mailbox: String = "INBOX") throws -> [UInt32: [String]] {
    var result: [UInt32: [String]] = [:]
    for row in try doveadm(["-f", "tab", "fetch", "-u", username, "uid flags", "mailbox", mailbox, "all"]).split(separator: "\n").dropFirst() {
      let columns = row.split(separator: "\t", omittingEmptySubsequences: false)
      guard columns.count >= 1, let uid = UInt32(columns[0]) else { continue }
      result[uid] = columns.count > 1 ? columns[1].split(separator: " ").map(String.init).filter { $0 != "\\Recent" } : []
    }
    return result
  }

  /// The messages in a mailbox, by UID, as Dovecot serves them (`doveadm fetch 'uid text'`
  /// would add a newline of its own: these are the Maildir files, which Dovecot serves as
  /// they are when their lines end in CRLF).
  package func messages(in mailbox: String = "INBOX") throws -> [[UInt8]] {
    let folder = try self.folder(mailbox, create: false)
    var files: [URL] = []
    for sub in ["new", "cur"] {
      files += try FileManager.default.contentsOfDirectory(at: folder.appendingPathComponent(sub), includingPropertiesForKeys: nil)
    }
    return try files.sorted { $0.lastPathComponent < $1.lastPathComponent }.map { try [UInt8](Data(contentsOf: $0)) }
  }

  /// Makes a mailbox the way a client would (`doveadm mailbox create`): Dovecot names its
  /// folder.
  package func createMailbox(_ mailbox: String) throws {
    _ = try doveadm(["mailbox", "create", "-u", username, mailbox])
  }

  /// Disconnects the user's IMAP sessions (`doveadm kick`), as a server does with idle ones.
  /// - Returns: whether there was one.
  @discardableResult
  package func disconnectClients() throws -> Bool {
    // Status 68: nobody was connected.
    try doveadm(["kick", username], accepting: [0, 68]).contains(username)
  }

  /// The mailboxes Dovecot lists (`doveadm mailbox list`).
  package func mailboxes() throws -> [String] {
    try doveadm(["mailbox", "list", "-u", username]).split(separator: "\n").map(String.init)
  }

  /// Makes Dovecot give the mailbox a new UIDVALIDITY (and number its messages afresh) the
  /// next time it is opened, as after a restore from backup: its UID list and indexes go.
  /// Connections that have it open should be closed first.
  package func resetUIDValidity(mailbox: String = "INBOX") throws {
    let folder = try self.folder(mailbox, create: false)
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path)
    where name == "dovecot-uidlist" || name.hasPrefix("dovecot.index") {
      try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    }
  }

  // MARK: Helpers

  private func folder(_ mailbox: String, create: Bool) throws -> URL {
    if mailbox.uppercased() == "INBOX" { return maildir }
    let folder = maildir.appendingPathComponent("." + Self.modifiedUTF7(mailbox))
    if create && !FileManager.default.fileExists(atPath: folder.path) {
      try makeMaildir(folder)
      let marker = folder.appendingPathComponent("maildirfolder")
      _ = FileManager.default.createFile(atPath: marker.path, contents: nil)
      try own(marker)
    }
    return folder
  }

  private func makeMaildir(_ folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try own(folder)
    for sub in ["new", "cur", "tmp"] {
      let path = folder.appendingPathComponent(sub)
      try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
      try own(path)
    }
  }

  /// Gives a file or folder to the user the mail processes run as.
  private func own(_ url: URL) throws {
    guard geteuid() == 0 else { return }
    guard chown(url.path, owner.uid, owner.gid) == 0 else { throw DovecotServerError("cannot give \(url.path) to \(Self.unprivilegedUser): errno \(errno)") }
  }

  /// A self-signed certificate and key for 127.0.0.1 and localhost, valid for 2 days.
  private static func makeCertificate(_ certificate: URL, key: URL) throws {
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    openssl.arguments = [
      "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.path, "-out", certificate.path,
    ]
    openssl.standardOutput = FileHandle.nullDevice
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    guard openssl.terminationStatus == 0 else { throw DovecotServerError("openssl req -x509 exited with status \(openssl.terminationStatus) making a test certificate") }
    // Dovecot reads the key as root: it may stay 0600.
  }

  /// Runs doveadm with this server's configuration; its standard output.
  private func doveadm(_ arguments: [String], accepting statuses: Set<Int32> = [0]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.doveadm)
    process.arguments = ["-c", configuration.path] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let text = output.fileHandleForReading.readDataToEndOfFile()
    let problems = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard statuses.contains(process.terminationStatus) else {
      throw DovecotServerError("doveadm \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(String(decoding: problems, as: UTF8.self))")
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// Whether the port answers with an IMAP greeting ("* OK") within `timeout` seconds.
  private func waitForGreeting(timeout: TimeInterval) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      guard server?.isRunning == true else { return false }
      if Self.greeting(port: port)?.hasPrefix("* OK") == true { return true }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return false
  }

  /// The first line a server on 127.0.0.1:`port` sends, or nil if nothing listens.
  private static func greeting(port: Int) -> String? {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { return nil }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
    guard connected else { return nil }
    var wait = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    var buffer = [UInt8](repeating: 0, count: 512)
    let count = read(socket, &buffer, buffer.count)
    return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
  }

  /// A mailbox name in modified UTF-7 (RFC 3501 §5.1.3), as Maildir++ folders are named.
  static func modifiedUTF7(_ name: String) -> String {
    var result = ""
    var pending: [UInt8] = []
    func flush() {
      guard !pending.isEmpty else { return }
      let encoded = Data(pending).base64EncodedString().replacingOccurrences(of: "/", with: ",").replacingOccurrences(of: "=", with: "")
      result += "&\(encoded)-"
      pending.removeAll()
    }
    for scalar in name.unicodeScalars {
      if (0x20...0x7E).contains(scalar.value) {
        flush()
        result += scalar == "&" ? "&-" : String(scalar)
      } else {
        for unit in String(scalar).utf16 { pending += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
      }
    }
    flush()
    return result
  }
}

/// Dovecot could not be started or asked.
package struct DovecotServerError: Error, CustomStringConvertible {
  package let description: String
  init(_ description: String) { self.description = description }
}
