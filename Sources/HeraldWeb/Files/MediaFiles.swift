#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HeraldCampaign
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Serves the files of Media/: conditional requests (If-None-Match → 304), ranges (206,
/// 416, If-Range), and the caching headers of content that never changes at its address.
///
/// Files are read off the event loop: a small one (a photo, at most `cachedFileBytes`) is
/// read once on the blocking pool and kept in memory, as its content cannot change; a larger
/// one is streamed from disk in chunks (Hummingbird's `FileIO`, NIO's file system on the
/// blocking pool), never loaded whole. A file missing from Media/ is logged and answered
/// with the site's 404 page, which names no path.
final class MediaFiles: Sendable {
  /// Files up to this size are kept in memory once read.
  static let cachedFileBytes = 1 << 20
  /// All files kept in memory together, at most.
  static let cacheBytes = 64 << 20

  let directory: URL
  private let fileIO = FileIO()
  private let logger: Logger
  private let cache = Mutex(Cache())

  private struct Cache {
    var files: [String: ByteBuffer] = [:]
    var bytes = 0
  }

  init(directory: URL, logger: Logger) {
    self.directory = directory
    self.logger = logger
  }

  /// The response to a GET (or HEAD) of `file`; nil when its bytes are not in Media/ (it
  /// is logged; the caller answers 404).
  /// - Parameter logMissing: whether missing bytes are an error to log (not when the
  ///   caller makes the file then, as a press kit's ZIP is).
  func response(_ file: MediaFile, request: Request, context: WebContext, logMissing: Bool = true) async -> Response? {
    var headers: HTTPFields = [
      .contentType: file.contentType, .eTag: file.etag, .cacheControl: "public, max-age=31536000, immutable",
      .acceptRanges: "bytes", .contentDisposition: file.contentDisposition,
    ]
    if let match = request.headers[.ifNoneMatch], Self.matches(match, etag: file.etag) {
      headers[.contentType] = nil
      return Response(status: .notModified, headers: headers)
    }
    let source: Source
    if file.size <= Self.cachedFileBytes, let bytes = await cached(file) {
      source = .memory(bytes)
    } else if let size = await sizeOnDisk(file) {
      source = .disk(size)
    } else {
      guard logMissing else { return nil }
      logger.error(
        "a published file is missing from Media/; publish its release again to put it back",
        metadata: ["file": "\(file.label)", "media": "\(file.storagePath)"])
      return nil
    }
    let size = source.size
    // If-Range: the range applies only to the version the client has (our strong ETag);
    // a date cannot match, since no Last-Modified is sent.
    let rangeHeader = request.headers[.range]
    let applies = request.headers[.ifRange].map { $0.trimmingWhitespace == file.etag } ?? true
    switch applies ? ByteRange(rangeHeader, size: size) : .whole {
    case .whole:
      headers[.contentLength] = String(size)
      return Response(status: .ok, headers: headers, body: await body(source, file: file, range: size > 0 ? 0...(size - 1) : nil, context: context))
    case .part(let range):
      headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
      headers[.contentLength] = String(range.count)
      return Response(status: .partialContent, headers: headers, body: await body(source, file: file, range: range, context: context))
    case .unsatisfiable:
      var refused: HTTPFields = [.contentRange: "bytes */\(size)", .acceptRanges: "bytes", .eTag: file.etag, .contentLength: "0"]
      refused[.cacheControl] = "no-store"
      return Response(status: .rangeNotSatisfiable, headers: refused)
    }
  }

  private enum Source {
    case memory(ByteBuffer)
    case disk(Int)

    var size: Int {
      switch self {
      case .memory(let bytes): return bytes.readableBytes
      case .disk(let size): return size
      }
    }
  }

  private func body(_ source: Source, file: MediaFile, range: ClosedRange<Int>?, context: WebContext) async -> ResponseBody {
    guard let range else { return ResponseBody() }
    switch source {
    case .memory(let bytes):
      // A slice shares the cached storage: nothing is copied per request.
      return ResponseBody(byteBuffer: bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ByteBuffer())
    case .disk:
      do {
        return try await fileIO.loadFile(path: directory.appendingPathComponent(file.storagePath).path, range: range, context: context)
      } catch {
        // Gone between the size and the read: the headers are sent, so the body ends short.
        logger.error("a published file could not be read", metadata: ["file": "\(file.label)", "error": "\(error)"])
        return ResponseBody()
      }
    }
  }

  /// The bytes of a small file: from memory, else read once on the blocking pool.
  private func cached(_ file: MediaFile) async -> ByteBuffer? {
    if let bytes = cache.withLock({ $0.files[file.storagePath] }) { return bytes }
    let path = directory.appendingPathComponent(file.storagePath).path
    guard let data = try? await BlockingWork.run({ FileManager.default.contents(atPath: path) }) else { return nil }
    guard data.count <= Self.cachedFileBytes else { return nil }
    let bytes = ByteBuffer(bytes: data)
    cache.withLock { cache in
      guard cache.files[file.storagePath] == nil else { return }
      // Content never changes at an address, so nothing is stale: the cache only has to stay small.
      while cache.bytes + bytes.readableBytes > Self.cacheBytes, let some = cache.files.first {
        cache.files[some.key] = nil
        cache.bytes -= some.value.readableBytes
      }
      cache.files[file.storagePath] = bytes
      cache.bytes += bytes.readableBytes
    }
    return bytes
  }

  /// The size of a file in Media/ (read on the blocking pool), or nil when it is not there.
  private func sizeOnDisk(_ file: MediaFile) async -> Int? {
    let path = directory.appendingPathComponent(file.storagePath).path
    return try? await BlockingWork.run { () -> Int? in
      var info = stat()
      guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
      return Int(info.st_size)
    }
  }

  /// Whether an If-None-Match list names `etag` (weak comparison, RFC 9110 §13.1.2) or is "*".
  static func matches(_ header: String, etag: String) -> Bool {
    header.split(separator: ",").contains { candidate in
      var tag = String(candidate).trimmingWhitespace
      if tag == "*" { return true }
      if tag.hasPrefix("W/") { tag.removeFirst(2) }
      return tag == etag
    }
  }
}
