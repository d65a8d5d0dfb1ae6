import Foundation
import HeraldCore

/// Reads an mbox file one message at a time, in pieces of 1 MB, so that a file of any size
/// needs the memory of one message. A message starts at a line beginning "From " at the
/// start of the file or after a line break (the "From_" line, which is not part of it).
///
/// Lines of a message that began "From " were written with a ">" in front. In mboxrd every
/// line of ">"s followed by "From " got one more, and one is taken off again; in mboxo only
/// ">From " was written, and only that is undone (">>From " stays as it is).
package final class MboxReader {
  /// How quoted "From " lines are read.
  package enum Format: String, Sendable, CaseIterable {
    /// One ">" is taken off every line of ">"s then "From " (Qmail, Mutt, most tools today).
    case mboxrd
    /// Only ">From " loses its ">" (the oldest form).
    case mboxo
  }

  private let descriptor: Int32
  private let path: String
  private let format: Format
  private var buffer: [UInt8] = []
  private var position = 0
  private var atEnd = false
  private var started = false
  /// The line (1-based) of the From_ line of the message `next()` returned last.
  package private(set) var messageLine = 0
  private var linesRead = 0

  /// Opens an mbox file.
  /// - Throws: `InboxError` `.source` when it cannot be opened.
  package init(path: String, format: Format = .mboxrd) throws {
    descriptor = FileIO.openFile(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw InboxError(.source, "cannot open \(path): \(String(cString: strerror(errno)))", underlying: SystemError(errno))
    }
    self.path = path
    self.format = format
  }

  deinit { FileIO.closeFile(descriptor) }

  private static let chunk = 1 << 20

  /// Reads more of the file; false at its end.
  private func fill() throws -> Bool {
    if atEnd { return false }
    if position > 0 {
      buffer.removeSubrange(0..<position)
      position = 0
    }
    let start = buffer.count
    buffer.reserveCapacity(start + Self.chunk)
    var failed = false
    var count = 0
    buffer.append(contentsOf: repeatElement(0, count: Self.chunk))
    buffer.withUnsafeMutableBytes { bytes in
      let read = FileIO.retrying { Glibc.read(descriptor, bytes.baseAddress! + start, Self.chunk) }
      failed = read < 0
      count = max(read, 0)
    }
    buffer.removeSubrange((start + count)...)
    if failed { throw InboxError(.source, "cannot read \(path): \(String(cString: strerror(errno)))", underlying: SystemError(errno)) }
    if count == 0 { atEnd = true }
    return count > 0
  }

  /// The next whole line (with its line break), or nil at the end of the file.
  private func nextLine() throws -> ArraySlice<UInt8>? {
    while true {
      if let newline = buffer[position...].firstIndex(of: 0x0A) {
        defer { position = newline + 1 }
        linesRead += 1
        return buffer[position...newline]
      }
      if try !fill() {
        guard position < buffer.count else { return nil }
        defer { position = buffer.count }
        linesRead += 1
        return buffer[position...]
      }
    }
  }

  private static let fromSpace: [UInt8] = Array("From ".utf8)

  private static func isFromLine(_ line: ArraySlice<UInt8>) -> Bool {
    line.count >= 5 && line.prefix(5).elementsEqual(fromSpace)
  }

  /// Whether a line after a blank line starts a new message: "From ", a sender, and a date
  /// with a time ("hh:mm") and a four-digit year, as every mbox writer puts them. A line of
  /// text that only begins "From " (a writer that did not quote it) stays in its message.
  static func isSeparator(_ line: ArraySlice<UInt8>) -> Bool {
    guard isFromLine(line) else { return false }
    let rest = Array(line.dropFirst(5))
    guard let space = rest.firstIndex(of: 0x20), space > 0 else { return false }
    let date = Array(rest[(space + 1)...])
    func digit(_ index: Int) -> Bool { index >= 0 && index < date.count && (0x30...0x39).contains(date[index]) }
    func byte(_ index: Int) -> UInt8? { index >= 0 && index < date.count ? date[index] : nil }
    var hasTime = false, hasYear = false
    for index in date.indices {
      if digit(index), digit(index + 1), byte(index + 2) == UInt8(ascii: ":"), digit(index + 3), digit(index + 4) {
        hasTime = true
      }
      if byte(index - 1) == nil || byte(index - 1) == 0x20, (0...3).allSatisfy({ digit(index + $0) }),
         !digit(index + 4), byte(index + 4) != UInt8(ascii: ":") {
        hasYear = true
      }
    }
    return hasTime && hasYear
  }

  /// The next message's bytes, without its From_ line and with quoted lines unquoted, or
  /// nil at the end of the file.
  /// - Throws: `InboxError` `.source` when the file is not an mbox (its first line is not a
  ///   From_ line) or cannot be read.
  package func next() throws -> [UInt8]? {
    if !started {
      // Skip blank lines at the very start; the first line must be a From_ line.
      while let first = try nextLine() {
        if first.allSatisfy({ $0 == 0x0A || $0 == 0x0D }) { continue }
        guard Self.isFromLine(first) else {
          throw InboxError(.source, "\(path) is not an mbox file: its first line does not start with “From ”; import .eml files or a Maildir folder instead")
        }
        started = true
        pendingFromLine = linesRead
        break
      }
      if !started { return nil }
    }
    // The From_ line of this message was read already (the first line, or the line that
    // ended the message before).
    guard let fromLine = pendingFromLine else { return nil }
    messageLine = fromLine
    pendingFromLine = nil
    var message: [UInt8] = []
    var previousBlank = false
    while let line = try nextLine() {
      if previousBlank && Self.isSeparator(line) {
        // The next message begins. The blank line before it is the separator.
        pendingFromLine = linesRead
        break
      }
      previousBlank = line.allSatisfy { $0 == 0x0A || $0 == 0x0D }
      message.append(contentsOf: unquoted(line))
    }
    // The separating blank line (or the file's final line break) is not the message's.
    if previousBlank || pendingFromLine != nil {
      if message.last == 0x0A { message.removeLast() }
      if message.last == 0x0D { message.removeLast() }
    }
    return message
  }

  /// The line of the next message's From_ line, once read.
  private var pendingFromLine: Int?

  /// A line with one quoting ">" taken off where the format says so.
  private func unquoted(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    guard line.first == UInt8(ascii: ">") else { return line }
    var index = line.startIndex
    while index < line.endIndex && line[index] == UInt8(ascii: ">") { index += 1 }
    let quotes = index - line.startIndex
    guard line[index...].starts(with: Self.fromSpace) else { return line }
    switch format {
    case .mboxrd: return line.dropFirst()
    case .mboxo: return quotes == 1 ? line.dropFirst() : line
    }
  }
}
