import Foundation
import HeraldCompose
import HeraldCore
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import NIOCore

/// What the desk's heavier pages are made from, kept for a few seconds: the releases list,
/// a release's entry, its preview, its plan. A value is used again only while the files it
/// was made from are unchanged (their size and time of change, the Releases/ folder's, the
/// release's own folder's, herald.yml's and the templates'), the store has not been written
/// by this process, and it is younger than its page's lifetime, which bounds how long a
/// change made by another process (`herald` on the command line) takes to show. What is shown to be confirmed is never from here: the
/// confirmation and the send plan afresh.
final class DeskCache: @unchecked Sendable {  // every access holds the lock
  /// How long each kind of value is used.
  enum Lifetime {
    /// The releases list and a release's entry.
    static let releases: TimeInterval = 2
    /// A preview: composing, signing and verifying the email.
    static let preview: TimeInterval = 30
    /// A plan: the audience counted over the whole store (made again in the background).
    static let plan: TimeInterval = 30
    /// What the store's pages read — a page of inquiries, a search's subscribers, a
    /// subscriber's record — under the store's generation: the desk's own changes show at
    /// once, another process's (`herald inbox import` from a terminal) within this.
    static let store: TimeInterval = 2
  }

  private struct Entry {
    var value: Any
    var fingerprint: [String]
    var made: Date
    /// Whether a request is making it again (others use this one meanwhile).
    var refreshing = false
  }

  private let lock = NSLock()
  private var entries: [String: Entry] = [:]
  private let clock: WallClock
  /// The most values kept (the oldest go first).
  private let capacity = 256

  init(clock: WallClock) {
    self.clock = clock
  }

  /// The value kept under `key` if its fingerprint is `fingerprint` and it is younger than
  /// `lifetime`; otherwise `make()`'s, kept for next time (an error is not kept). While one
  /// request makes an older value again, the others use the older one rather than all making
  /// it at once; a value whose files changed is never used.
  func value<Value>(_ key: String, fingerprint: [String], lifetime: TimeInterval, _ make: () throws -> Value) rethrows -> Value {
    let now = clock.now
    let kept: Value? = lock.withLock {
      guard var entry = entries[key], entry.fingerprint == fingerprint, let value = entry.value as? Value else { return nil }
      if now.timeIntervalSince(entry.made) < lifetime || entry.refreshing { return value }
      entry.refreshing = true
      entries[key] = entry
      return nil
    }
    if let kept { return kept }
    let value: Value
    do {
      value = try make()
    } catch {
      lock.withLock { entries[key]?.refreshing = false }
      throw error
    }
    lock.withLock {
      if entries.count >= capacity, entries[key] == nil, let oldest = entries.min(by: { $0.value.made < $1.value.made })?.key {
        entries[oldest] = nil
      }
      entries[key] = Entry(value: value, fingerprint: fingerprint, made: now)
    }
    return value
  }

  /// The value kept under `key` if its fingerprint is `fingerprint` and it is younger than
  /// `lifetime` (for a value made by async work: `keep` it afterwards).
  func kept<Value>(_ key: String, fingerprint: [String], lifetime: TimeInterval) -> Value? {
    let now = clock.now
    return lock.withLock {
      guard let entry = entries[key], entry.fingerprint == fingerprint, now.timeIntervalSince(entry.made) < lifetime else { return nil }
      return entry.value as? Value
    }
  }

  /// The value kept under `key` for `fingerprint`, however old, and whether the caller
  /// should make it again (it is older than `lifetime` and nobody else is making it: the
  /// caller now is, and `keep`s the new one).
  func stale<Value>(_ key: String, fingerprint: [String], lifetime: TimeInterval) -> (value: Value, remake: Bool)? {
    let now = clock.now
    return lock.withLock {
      guard var entry = entries[key], entry.fingerprint == fingerprint, let value = entry.value as? Value else { return nil }
      guard now.timeIntervalSince(entry.made) >= lifetime, !entry.refreshing else { return (value, false) }
      entry.refreshing = true
      entries[key] = entry
      return (value, true)
    }
  }

  /// Keeps `value` under `key`, made from files with `fingerprint`.
  func keep<Value>(_ value: Value, _ key: String, fingerprint: [String]) {
    let now = clock.now
    lock.withLock {
      if entries.count >= capacity, entries[key] == nil, let oldest = entries.min(by: { $0.value.made < $1.value.made })?.key {
        entries[oldest] = nil
      }
      entries[key] = Entry(value: value, fingerprint: fingerprint, made: now)
    }
  }

  /// The value last kept under `key`, whatever it was made from and however old.
  func latest<Value>(_ key: String) -> Value? {
    lock.withLock { entries[key]?.value as? Value }
  }

  /// Forgets everything (after the desk itself changed a release or the store).
  func clear() {
    lock.withLock { entries.removeAll() }
  }

  /// The size and time of change of each path (or "-" when it is missing): cheap to read, and
  /// different as soon as a file is written, replaced or removed.
  static func fingerprint(_ urls: [URL]) -> [String] {
    urls.map { url in
      var info = stat()
      guard stat(url.path, &info) == 0 else { return "-" }
      return "\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ino)"
    }
  }
}

extension DeskServer {
  /// The files a release file's pages are made from: Releases/ itself (a file added, renamed
  /// or replaced), the release and its translations, its folder of photos and files,
  /// herald.yml and the templates.
  func fingerprint(ofRelease name: String) -> [String] {
    let workspace = mailroom.workspace
    let folder = workspace.releasesDirectory
    let slug = Release.slug(naming: name)
    let family = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
      .filter { $0 == slug + ".md" || ($0.hasPrefix(slug + ".") && $0.hasSuffix(".md")) }.sorted()
    return Self.workspaceFingerprint(workspace) + ["\(mailroom.store.generation)"] + family
      + DeskCache.fingerprint([folder.appendingPathComponent(slug)] + family.map { folder.appendingPathComponent($0) })
  }

  /// Releases/, herald.yml and the template folders.
  static func workspaceFingerprint(_ workspace: Workspace) -> [String] {
    let templates = workspace.templatesDirectory
    return DeskCache.fingerprint([
      workspace.releasesDirectory, workspace.configurationFile, templates, templates.appendingPathComponent("web"),
      templates.appendingPathComponent("strings"), workspace.mediaDirectory,
    ])
  }
}

/// A page's HTML and status, kept to answer again (the cache keeps it per session: the
/// signed-in name and the form token are in it).
struct DeskRenderedPage: Sendable {
  let status: HTTPResponse.Status
  let body: ByteBuffer

  init(status: HTTPResponse.Status = .ok, html: String) {
    self.status = status
    body = ByteBuffer(string: html)
  }

  /// The response: HTML, never stored by a browser or a proxy.
  func response() -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: body))
  }
}
