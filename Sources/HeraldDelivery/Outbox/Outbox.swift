#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HeraldCore
import Logging
import Synchronization

/// The delivery spool: one file per message in a folder per state, Postfix-style.
///
/// A message moves between `queue/`, `active/`, `deferred/`, `sent/`, `failed/` and `hold/`
/// by `rename(2)`, which is atomic and is also the lock: of two processes claiming the same
/// file, one rename succeeds and the other finds the file gone. New files are written in
/// `tmp/`, flushed, then renamed in, so a file in a state folder is always complete. In
/// `deferred/` a file's modification time is its next attempt, so claiming needs no reads.
/// Damaged files found while claiming are moved to `corrupt/` and logged.
package final class Outbox: @unchecked Sendable {
  /// Where a message is in its life.
  package enum State: String, Sendable, CaseIterable, Hashable {
    /// Waiting to be sent, due now.
    case queue
    /// Claimed by a sender, being sent.
    case active
    /// Tried, failed temporarily; due again at its next-attempt time.
    case deferred
    /// Accepted by the relay.
    case sent
    /// Refused by the relay, or given up on.
    case failed
    /// Kept back by an operator until released.
    case hold
  }

  /// A message and the state it is in.
  package struct Entry: Sendable, Equatable {
    /// The folder the message is in.
    package var state: State
    /// The message.
    package var message: OutboxMessage
  }

  /// How many messages are in each state, in all and per campaign.
  package struct Counts: Sendable, Equatable {
    /// Messages per state; every state is present, 0 if empty.
    package var byState: [State: Int]
    /// Messages per campaign, then per state (only states that have some).
    package var byCampaign: [CampaignID: [State: Int]]
    /// All messages in the Outbox.
    package var total: Int { byState.values.reduce(0, +) }
  }

  /// The Outbox folder, e.g. the workspace's Outbox/.
  package let directory: URL
  let path: String
  let logger: Logger
  private let stateFDs: [State: Int32]
  private let tmpFD: Int32
  private let corruptFD: Int32
  /// Outbox/lock: every process using the Outbox holds a shared lock on it, so `recover()`
  /// can tell whether another one is at work (POSIX record locks: per process, released
  /// when the process ends, however it ends).
  private let lockFD: Int32
  /// The group commit of results: flushed in groups (`resultsPerFlush`, or a second after the
  /// first), on a thread of its own so that no sender waits for the disk.
  private let flusher: ResultFlusher

  // What the last scan found to claim, newest first so the oldest pops off the end.
  // Guarded by `lock`; one scan serves many claims.
  private let lock = NSLock()
  private var candidates: [(name: String, state: State)] = []
  private var scannedAt: Date?

  /// Opens the Outbox in `directory`, making it and its folders if needed.
  ///
  /// Opening moves nothing: call `recover()` once on start, before any claims.
  /// - Throws: `DeliveryError` `.spool` if a folder cannot be made or opened.
  package init(directory: URL, logger: Logger = Logger(label: "herald.outbox")) throws {
    self.directory = directory
    self.path = directory.path
    self.logger = logger
    try SpoolFiles.makeDirectory(path)
    var fds: [Int32] = []
    do {
      var stateFDs: [State: Int32] = [:]
      for state in State.allCases {
        try SpoolFiles.makeDirectory("\(path)/\(state.rawValue)")
        let fd = try SpoolFiles.openDirectory("\(path)/\(state.rawValue)")
        fds.append(fd)
        stateFDs[state] = fd
      }
      for extra in ["tmp", "corrupt"] { try SpoolFiles.makeDirectory("\(path)/\(extra)") }
      tmpFD = try SpoolFiles.openDirectory("\(path)/tmp")
      fds.append(tmpFD)
      corruptFD = try SpoolFiles.openDirectory("\(path)/corrupt")
      fds.append(corruptFD)
      lockFD = open("\(path)/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
      guard lockFD >= 0 else { throw SpoolFiles.spoolError("open", "\(path)/lock") }
      fds.append(lockFD)
      guard SpoolFiles.lock(lockFD, F_RDLCK, wait: true) else { throw SpoolFiles.spoolError("lock", "\(path)/lock") }
      self.stateFDs = stateFDs
      flusher = ResultFlusher(resultsPerFlush: Self.resultsPerFlush, maximumDelay: 1) { [sentFD = stateFDs[.sent]!, path] in
        try SpoolFiles.syncFilesystem(sentFD, path)
      }
    } catch {
      for fd in fds { close(fd) }
      throw error
    }
  }

  deinit {
    // The group commit ends first: it flushes through the folders' descriptors.
    flusher.stop()
    for file in claimedFiles.withLock({ Array($0.values) }) { close(file.descriptor) }
    for fd in stateFDs.values { close(fd) }
    close(tmpFD)
    close(corruptFD)
    close(lockFD)
  }

  func fd(_ state: State) -> Int32 { stateFDs[state]! }
  func folder(_ state: State) -> String { "\(path)/\(state.rawValue)" }

  // MARK: Enqueue

  /// How many files one batch keeps open before flushing them.
  private static let openFilesPerRound = 512

  /// Adds messages to `queue/`, durably: when it returns, they survive a crash. A message
  /// whose `nextAttempt` is in the future (a send scheduled with --at) goes to `deferred/`,
  /// due at that time.
  ///
  /// Every file is written in `tmp/` and flushed (a big batch with one syncfs(2) of the
  /// filesystem), then all are renamed into `queue/`, then `queue/` is flushed once. If writing fails, nothing is enqueued.
  /// - Throws: `DeliveryError` `.invalidMessage` for an id that cannot name a file, `.spool`
  ///   if the disk cannot take them.
  package func enqueue(_ messages: [OutboxMessage]) throws {
    for message in messages where !OutboxMessage.isValidID(message.id) {
      throw DeliveryError(.invalidMessage, "message id “\(message.id)” cannot name a spool file: use OutboxMessage.makeID()")
    }
    let pid = getpid()
    // To the millisecond, as the messages' times are: a message made this millisecond is due now.
    let now = Date().outboxMilliseconds
    // An fsync per file costs a journal commit each (100,000 × 12 kB took 16 s here);
    // one syncfs for the batch flushes the same data and metadata in one go (8 s).
    #if os(Linux)
    let syncOnce = messages.count >= Self.syncWholeFilesystemFrom
    #else
    let syncOnce = false  // no syncfs(2)
    #endif
    var written: [String] = []
    written.reserveCapacity(messages.count)
    do {
      var start = 0
      while start < messages.count {
        let round = messages[start..<min(start + Self.openFilesPerRound, messages.count)]
        var open: [Int32] = []
        defer { for fd in open { close(fd) } }
        for message in round {
          let name = "\(message.id).\(pid)"
          let file = try SpoolFiles.create(tmpFD, name, "\(path)/tmp", message.encodedHeader(), message.bytes)
          open.append(file)
          written.append(name)
          // In deferred/ a file's time is when it is due.
          if message.nextAttempt > now { try SpoolFiles.setModificationTime(file, message.nextAttempt, "\(path)/tmp/\(name)") }
        }
        if !syncOnce { try flush(open) }
        start += round.count
      }
      if syncOnce { try SpoolFiles.syncFilesystem(tmpFD, "\(path)/tmp") }
    } catch {
      for name in written { unlinkat(tmpFD, name, 0) }
      throw error
    }
    var scheduled = false
    for (message, name) in zip(messages, written) {
      let state: State = message.nextAttempt > now ? .deferred : .queue
      scheduled = scheduled || state == .deferred
      guard try SpoolFiles.move(tmpFD, name, fd(state), message.id, "\(path)/tmp/\(name) to \(state.rawValue)/") else {
        throw DeliveryError(.spool, "\(path)/tmp/\(name) vanished before it could be queued: another process is cleaning tmp/ (recover() must run only when no other process uses the Outbox); enqueue the rest again")
      }
    }
    try SpoolFiles.syncDirectory(fd(.queue), folder(.queue))
    if scheduled { try SpoolFiles.syncDirectory(fd(.deferred), folder(.deferred)) }
    invalidateScan()
  }

  /// Batches at least this big are flushed with one syncfs(2) instead of an fsync per file.
  private static let syncWholeFilesystemFrom = 64

  /// Flushes a round of files one by one.
  private func flush(_ fds: [Int32]) throws {
    for fd in fds { try SpoolFiles.sync(fd, "\(path)/tmp") }
  }

  // MARK: Claim

  /// Moves up to `limit` due messages to `active/` and returns them, oldest first.
  ///
  /// Due means in `queue/`, or in `deferred/` with a next attempt at or before `now`. Safe
  /// against other processes claiming from the same Outbox: each message goes to one of
  /// them. Every claimed message must end with `markSent`, `markDeferred` or `markFailed`.
  /// A damaged file is moved to `corrupt/` and logged, and the claim goes on.
  /// - Throws: `DeliveryError` `.spool` if the folders cannot be read or renamed in.
  package func claim(limit: Int, now: Date = Date()) throws -> [OutboxMessage] {
    guard limit > 0 else { return [] }
    var claimed: [OutboxMessage] = []
    while claimed.count < limit {
      // Only the list of candidates is shared; renaming and reading happen outside the lock,
      // so that senders on other connections are not held up by this one's disk reads.
      guard let candidate = try nextCandidate(now: now) else { break }
      guard try SpoolFiles.move(fd(candidate.state), candidate.name, fd(.active), candidate.name,
                                "\(folder(candidate.state))/\(candidate.name) to active/")
      else { continue }  // another process claimed it first
      // The file stays open until its result is appended (`finish`): one open per message.
      let file = openat(fd(.active), candidate.name, O_RDWR | O_APPEND | O_CLOEXEC)
      guard file >= 0 else {
        if errno == ENOENT { continue }
        throw SpoolFiles.spoolError("open", "\(folder(.active))/\(candidate.name)")
      }
      do {
        let data = try SpoolFiles.read(descriptor: file, "\(folder(.active))/\(candidate.name)")
        let message = try OutboxMessage.decodeFile(data, file: "\(folder(.active))/\(candidate.name)")
        claimedFiles.withLock { $0[message.id] = ClaimedFile(descriptor: file, size: data.count) }
        claimed.append(message)
      } catch let error as DeliveryError where error.code == .corrupt {
        close(file)
        logger.error("moving a damaged spool file to corrupt/", metadata: ["error": "\(error)"])
        _ = try? SpoolFiles.move(fd(.active), candidate.name, corruptFD, candidate.name, "to corrupt/")
      } catch {
        close(file)
        throw error
      }
    }
    return claimed
  }

  /// A claimed message's file, open for its result, and its size when it was read.
  struct ClaimedFile {
    var descriptor: Int32
    var size: Int
  }

  /// The files of the messages claimed by this process and not yet finished.
  private let claimedFiles = Mutex<[String: ClaimedFile]>([:])

  /// The next file to try to claim, scanning the folders when the last scan is used up or
  /// more than `rescanAfter` old (once per claim at most).
  ///
  /// A scan of 20,000 names, read and sorted, costs about as much as sending 200 messages:
  /// done every second, it was 3% of a delivery. What it could miss meanwhile waits little:
  /// newer messages sort after those in hand anyway, deferred ones come due a few seconds
  /// late at most, and an enqueue in this process starts a new scan.
  private func nextCandidate(now: Date) throws -> (name: String, state: State)? {
    lock.lock()
    defer { lock.unlock() }
    if candidates.isEmpty || !(scannedAt.map { abs($0.timeIntervalSince(now)) < Self.rescanAfter } ?? false) {
      try scan(now: now)
    }
    return candidates.popLast()
  }

  /// Seconds a scan serves claims before the folders are read again.
  private static let rescanAfter: TimeInterval = 10

  /// Lists what is due: all of `queue/` and the due part of `deferred/`.
  private func scan(now: Date) throws {
    var found: [(name: String, state: State)] = []
    for name in try SpoolFiles.names(in: folder(.queue)) where OutboxMessage.isValidID(name) {
      found.append((name, .queue))
    }
    for name in try SpoolFiles.names(in: folder(.deferred)) where OutboxMessage.isValidID(name) {
      if let due = try SpoolFiles.modificationTime(fd(.deferred), name, folder(.deferred)), due <= now {
        found.append((name, .deferred))
      }
    }
    // Ids sort by enqueue time; newest first, so the oldest is taken from the end.
    found.sort { $0.name > $1.name }
    candidates = found
    scannedAt = now
  }

  private func invalidateScan() {
    lock.lock()
    candidates = []
    scannedAt = nil
    lock.unlock()
  }

  // MARK: Results

  /// Records a successful attempt and moves the message from `active/` to `sent/`.
  /// - Returns: The message with the attempt added.
  /// - Throws: `DeliveryError` `.notFound` if it is not in `active/`, `.spool` on a disk error.
  @discardableResult
  package func markSent(_ message: OutboxMessage, reply: String, at: Date = Date()) throws -> OutboxMessage {
    var updated = message
    updated.attempts.append(.init(at: at, reply: reply, outcome: .sent))
    try finish(updated, to: .sent)
    return updated
  }

  /// Records a temporary failure and moves the message from `active/` to `deferred/`, to
  /// be claimed again from `retryAt`.
  /// - Returns: The message with the attempt added and its next attempt at `retryAt`.
  /// - Throws: `DeliveryError` `.notFound` if it is not in `active/`, `.spool` on a disk error.
  @discardableResult
  package func markDeferred(_ message: OutboxMessage, reply: String, retryAt: Date, at: Date = Date()) throws -> OutboxMessage {
    var updated = message
    updated.attempts.append(.init(at: at, reply: reply, outcome: .deferred))
    updated.nextAttempt = retryAt.outboxMilliseconds
    try finish(updated, to: .deferred)
    return updated
  }

  /// Records a permanent failure and moves the message from `active/` to `failed/`.
  /// - Returns: The message with the attempt added.
  /// - Throws: `DeliveryError` `.notFound` if it is not in `active/`, `.spool` on a disk error.
  @discardableResult
  package func markFailed(_ message: OutboxMessage, reply: String, at: Date = Date()) throws -> OutboxMessage {
    var updated = message
    updated.attempts.append(.init(at: at, reply: reply, outcome: .failed))
    try finish(updated, to: .failed)
    return updated
  }

  /// Puts a claimed message back in the queue untried (a run that stops with messages
  /// claimed ahead of its connections).
  /// - Throws: `DeliveryError` `.spool` if it cannot be moved.
  package func unclaim(_ message: OutboxMessage) throws {
    if let claimed = claimedFiles.withLock({ $0.removeValue(forKey: message.id) }) { close(claimed.descriptor) }
    _ = try SpoolFiles.move(fd(.active), message.id, fd(.queue), message.id, "\(folder(.active))/\(message.id) to queue/")
    invalidateScan()
  }

  /// Flushes every result recorded so far to the disk, and returns when they are there
  /// (results are otherwise flushed in groups, at least once a second, by a thread of the
  /// Outbox). Call it when a run ends.
  /// - Throws: `DeliveryError` `.spool` if the disk cannot be flushed.
  package func flushResults() throws {
    try flusher.flushNow()
  }

  /// Appends the new attempt to the file in `active/`, then renames it into `state`.
  ///
  /// No copy of the message is written: one small append (a single write(2), so a crash
  /// leaves the line whole or absent) and one rename. Both are in the kernel at once, so a
  /// killed process loses nothing; the disk flush is shared by many results (group commit,
  /// `resultsPerFlush` or once a second), so a power cut can undo at most the last second
  /// of results, and those messages are sent again: at least once, never lost.
  private func finish(_ message: OutboxMessage, to state: State) throws {
    guard OutboxMessage.isValidID(message.id), let attempt = message.attempts.last else {
      throw DeliveryError(.notFound, "message \(message.id) is not in \(folder(.active)): only a claimed message can be marked, once")
    }
    let path = { "\(self.folder(.active))/\(message.id)" }  // for errors: made only then
    // The file claim() left open; else (another process's claim, recovered) open it now.
    var claimed = claimedFiles.withLock { $0.removeValue(forKey: message.id) }
    if claimed == nil {
      let file = openat(fd(.active), message.id, O_WRONLY | O_APPEND | O_CLOEXEC)
      guard file >= 0 else {
        if errno == ENOENT {
          throw DeliveryError(.notFound, "message \(message.id) is not in \(folder(.active)): only a claimed message can be marked, once")
        }
        throw SpoolFiles.spoolError("open", path())
      }
      claimed = ClaimedFile(descriptor: file, size: -1)
    }
    let file = claimed!.descriptor
    do {
      defer { close(file) }
      try SpoolFiles.append(file, OutboxMessage.encodedTrailer(attempt, nextAttempt: state == .deferred ? message.nextAttempt : nil), path(), size: claimed!.size)
      // In deferred/ the file's time is its next attempt, so claims need not read files;
      // elsewhere it is when the result came (the append just set it), for purge --older-than.
      if state == .deferred {
        try SpoolFiles.setModificationTime(file, message.nextAttempt, path())
      }
    }
    _ = try SpoolFiles.move(fd(.active), message.id, fd(state), message.id, "\(path()) to \(state.rawValue)/")
    try resultRecorded()
  }

  /// Results between two disk flushes at most.
  private static let resultsPerFlush = 2_000

  /// Counts a result for the next group flush.
  private func resultRecorded() throws {
    try flusher.recorded()
  }

  // MARK: Operator actions

  /// Keeps a queued or deferred message back until `release`.
  /// - Throws: `DeliveryError` `.notFound` if it is not in `queue/` or `deferred/`.
  package func hold(_ id: String) throws {
    try move(id, from: [.queue, .deferred], to: .hold, action: "hold")
  }

  /// Puts a held message back in the queue, due now.
  /// - Throws: `DeliveryError` `.notFound` if it is not in `hold/`.
  package func release(_ id: String) throws {
    try move(id, from: [.hold], to: .queue, action: "release")
  }

  /// Makes a deferred message due now by moving it to the queue.
  /// - Throws: `DeliveryError` `.notFound` if it is not in `deferred/`.
  package func retry(_ id: String) throws {
    try move(id, from: [.deferred], to: .queue, action: "retry")
  }

  /// Makes every deferred message due now.
  /// - Returns: How many were moved.
  @discardableResult
  package func retryAll() throws -> Int {
    try moveAll(from: .deferred, to: .queue) { _ in true }
  }

  /// Holds every queued or deferred message of a campaign.
  /// - Returns: How many were held.
  @discardableResult
  package func hold(campaign: CampaignID) throws -> Int {
    try moveAll(from: .queue, to: .hold) { $0 == campaign } + moveAll(from: .deferred, to: .hold) { $0 == campaign }
  }

  /// Releases every held message of a campaign into the queue.
  /// - Returns: How many were released.
  @discardableResult
  package func release(campaign: CampaignID) throws -> Int {
    try moveAll(from: .hold, to: .queue) { $0 == campaign }
  }

  /// Deletes the messages in `state` whose file was last written before `olderThan`: for
  /// `sent/` and `failed/` that is the final attempt.
  /// - Returns: How many were deleted.
  /// - Throws: `DeliveryError` `.invalidMessage` for `.active`, which senders own.
  @discardableResult
  package func purge(state: State, olderThan cutoff: Date) throws -> Int {
    guard state != .active else {
      throw DeliveryError(.invalidMessage, "cannot purge active/: those messages are being sent; stop the senders and run recover() first")
    }
    var removed = 0
    for name in try SpoolFiles.names(in: folder(state)) where OutboxMessage.isValidID(name) {
      guard let written = try SpoolFiles.modificationTime(fd(state), name, folder(state)), written < cutoff else { continue }
      if unlinkat(fd(state), name, 0) == 0 { removed += 1 } else if errno != ENOENT {
        throw SpoolFiles.spoolError("remove", "\(folder(state))/\(name)")
      }
    }
    if removed > 0 { try SpoolFiles.syncDirectory(fd(state), folder(state)) }
    return removed
  }

  /// Puts back what a stopped process left: files in `active/` return to `queue/` (so a
  /// message may be sent twice, never lost), and half-written files in `tmp/` are deleted.
  ///
  /// Call it once on start. When another process has this Outbox open (a `herald send`
  /// still delivering when cron starts `herald deliver`), what is in `active/` and `tmp/`
  /// is its work in progress: nothing is touched, and 0 is returned.
  /// - Returns: How many messages went back to the queue.
  @discardableResult
  package func recover() throws -> Int {
    // Alone with the Outbox? An exclusive lock is granted only if no other process holds
    // its shared one; this process's own shared lock turns into it.
    guard SpoolFiles.lock(lockFD, F_WRLCK, wait: false) else {
      logger.notice("another process is using the Outbox: leaving active/ and tmp/ to it")
      return 0
    }
    defer { _ = SpoolFiles.lock(lockFD, F_RDLCK, wait: true) }
    for name in try SpoolFiles.names(in: "\(path)/tmp") {
      if unlinkat(tmpFD, name, 0) != 0 && errno != ENOENT {
        throw SpoolFiles.spoolError("remove", "\(path)/tmp/\(name)")
      }
    }
    var returned = 0
    let names = try SpoolFiles.names(in: folder(.active))
    for name in names where try SpoolFiles.move(fd(.active), name, fd(.queue), name, "\(folder(.active))/\(name) to queue/") {
      returned += 1
    }
    if !names.isEmpty {
      try SpoolFiles.syncDirectory(fd(.queue), folder(.queue))
      try SpoolFiles.syncDirectory(fd(.active), folder(.active))
    }
    invalidateScan()
    if returned > 0 { logger.notice("returned messages left in active/ to the queue", metadata: ["count": "\(returned)"]) }
    return returned
  }

  private func move(_ id: String, from states: [State], to target: State, action: String) throws {
    if OutboxMessage.isValidID(id) {
      for state in states where try SpoolFiles.move(fd(state), id, fd(target), id, "\(folder(state))/\(id) to \(target.rawValue)/") {
        try SpoolFiles.syncDirectory(fd(target), folder(target))
        invalidateScan()
        return
      }
    }
    let places = states.map { "\($0.rawValue)/" }.joined(separator: " or ")
    let now = OutboxMessage.isValidID(id) ? State.allCases.first { SpoolFiles.exists(fd($0), id) } : nil
    throw DeliveryError(.notFound, "cannot \(action) \(id): it is not in \(places) of \(path)" + (now.map { " (it is in \($0.rawValue)/)" } ?? "; check the id with “herald outbox list”"))
  }

  private func moveAll(from source: State, to target: State, where matches: (CampaignID) -> Bool) throws -> Int {
    var moved = 0
    for name in try SpoolFiles.names(in: folder(source)) where OutboxMessage.isValidID(name) {
      guard let header = try? SpoolFiles.readHeader(fd(source), name, folder(source)),
            matches(header.message.campaign)
      else { continue }
      if try SpoolFiles.move(fd(source), name, fd(target), name, "\(folder(source))/\(name) to \(target.rawValue)/") {
        moved += 1
      }
    }
    if moved > 0 {
      try SpoolFiles.syncDirectory(fd(target), folder(target))
      invalidateScan()
    }
    return moved
  }

  // MARK: Looking

  /// The message with `id`, in whichever state it is.
  /// - Throws: `DeliveryError` `.notFound` if no state has it, `.corrupt` if its file is damaged.
  package func message(id: String) throws -> Entry {
    if OutboxMessage.isValidID(id) {
      // active/ first: a message caught between two folders is still being worked on.
      for state in [State.active, .queue, .deferred, .hold, .sent, .failed] {
        if let data = try SpoolFiles.read(fd(state), id, folder(state)) {
          return Entry(state: state, message: try OutboxMessage.decodeFile(data, file: "\(folder(state))/\(id)"))
        }
      }
    }
    throw DeliveryError(.notFound, "no message \(id) in \(path); list them with “herald outbox list”")
  }

  /// The messages in a state (all states if nil), of a campaign (all if nil), oldest first.
  /// - Throws: `DeliveryError` `.corrupt` naming a damaged file, `.spool` on a disk error.
  package func list(state: State? = nil, campaign: CampaignID? = nil) throws -> [Entry] {
    var entries: [Entry] = []
    for state in state.map({ [$0] }) ?? State.allCases {
      for name in try SpoolFiles.names(in: folder(state)) where OutboxMessage.isValidID(name) {
        if let campaign {
          guard let header = try SpoolFiles.readHeader(fd(state), name, folder(state)),
                header.message.campaign == campaign else { continue }
        }
        guard let data = try SpoolFiles.read(fd(state), name, folder(state)) else { continue }  // moved meanwhile
        entries.append(Entry(state: state, message: try OutboxMessage.decodeFile(data, file: "\(folder(state))/\(name)")))
      }
    }
    return entries.sorted { $0.message.id < $1.message.id }
  }

  /// The envelopes of the messages in `states`: each file's header only (campaign, sender,
  /// recipient, subscriber, list; `bytes` empty, and attempts only those in the header).
  /// - Throws: `DeliveryError` `.corrupt` naming a damaged file, `.spool` on a disk error.
  package func envelopes(in states: [State]) throws -> [Entry] {
    var entries: [Entry] = []
    for state in states {
      for name in try SpoolFiles.names(in: folder(state)) where OutboxMessage.isValidID(name) {
        guard let header = try SpoolFiles.readHeader(fd(state), name, folder(state)) else { continue }  // moved meanwhile
        entries.append(Entry(state: state, message: header.message))
      }
    }
    return entries
  }

  /// How many messages are in one state: names only, no file is read.
  /// - Throws: `DeliveryError` `.spool` on a disk error.
  package func count(in state: State) throws -> Int {
    try SpoolFiles.names(in: folder(state)).reduce(0) { $0 + (OutboxMessage.isValidID($1) ? 1 : 0) }
  }

  /// How many messages are in each state, in all and per campaign. Reads only headers.
  /// - Throws: `DeliveryError` `.corrupt` naming a damaged file, `.spool` on a disk error.
  package func counts() throws -> Counts {
    var counts = Counts(byState: Dictionary(uniqueKeysWithValues: State.allCases.map { ($0, 0) }), byCampaign: [:])
    for state in State.allCases {
      for name in try SpoolFiles.names(in: folder(state)) where OutboxMessage.isValidID(name) {
        guard let header = try SpoolFiles.readHeader(fd(state), name, folder(state)) else { continue }
        counts.byState[state, default: 0] += 1
        counts.byCampaign[header.message.campaign, default: [:]][state, default: 0] += 1
      }
    }
    return counts
  }

  /// When the earliest deferred message is due, or nil if none is deferred.
  package func nextDeferredAttempt() throws -> Date? {
    var earliest: Date?
    for name in try SpoolFiles.names(in: folder(.deferred)) where OutboxMessage.isValidID(name) {
      if let due = try SpoolFiles.modificationTime(fd(.deferred), name, folder(.deferred)), earliest.map({ due < $0 }) ?? true {
        earliest = due
      }
    }
    return earliest
  }
}
