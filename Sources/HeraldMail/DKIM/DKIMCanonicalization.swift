/// Where canonical bytes go: a hash while signing, an array in tests.
protocol DKIMByteSink {
  mutating func write(_ chunk: UnsafeRawBufferPointer)
}

/// The canonicalisations of RFC 6376 §3.4 — "relaxed" (§3.4.2 header, §3.4.4 body), which
/// Herald signs with, and "simple" (§3.4.1, §3.4.3), which verifiers meet in others' mail —
/// and the split of a message into header fields and body that they work on.
enum DKIMCanonicalization {
  /// One header field of a message, as offsets into its bytes.
  struct Field {
    /// Where the name starts.
    var start: Int
    /// Where the colon after the name is.
    var colon: Int
    /// Where the CRLF that ends the field (not a fold) starts, or the message's end.
    var end: Int
  }

  /// The header fields of `message`, top to bottom, and the offset of its body (after the
  /// empty line; the message's end when it has none).
  /// - Throws: `MailError` `.invalidHeader` for a bare LF or a line that is not a field.
  static func parseHeader(_ message: UnsafeBufferPointer<UInt8>) throws -> (fields: [Field], bodyStart: Int) {
    let count = message.count
    var fields: [Field] = []
    fields.reserveCapacity(24)
    var index = 0
    while index < count {
      if message[index] == .cr, index + 1 < count, message[index + 1] == .lf {
        return (fields, index + 2)
      }
      let start = index
      guard message[start] != .space, message[start] != .tab else {
        throw MailError(.invalidHeader, "the message starts with a folded line, so it has no first header field; DKIM signs messages as Message.encoded() writes them")
      }
      var colon = -1
      var end = count
      while index < count {
        let byte = message[index]
        if byte == UInt8(ascii: ":"), colon < 0 {
          colon = index
        } else if byte == .lf {
          guard index > start, message[index - 1] == .cr else {
            throw MailError(.invalidHeader, "the message header has a line ending in a bare LF; DKIM signs messages with CRLF line ends, as Message.encoded() writes them")
          }
          index += 1
          // A line that starts with white space continues the field (a fold).
          if index < count, message[index] == .space || message[index] == .tab { continue }
          end = index - 2
          break
        }
        index += 1
      }
      guard colon > start else {
        let line = String(decoding: message[start..<min(end, start + 40)], as: UTF8.self)
        throw MailError(.invalidHeader, "the message header has a line without a field name and colon: “\(line)”; DKIM signs messages as Message.encoded() writes them")
      }
      fields.append(Field(start: start, colon: colon, end: end))
    }
    return (fields, count)
  }

  /// Appends `field` relaxed (§3.4.2): name lowercased, folds removed, runs of white space
  /// made one space, none around the colon or at the end. No CRLF is appended.
  static func appendRelaxed(_ field: Field, of message: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    var nameEnd = field.colon
    while nameEnd > field.start, message[nameEnd - 1] == .space || message[nameEnd - 1] == .tab { nameEnd -= 1 }
    for index in field.start..<nameEnd {
      let byte = message[index]
      output.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
    }
    output.append(UInt8(ascii: ":"))
    // Unfolding removes the CRLF of a fold and keeps the white space after it, so CR and
    // LF count as white space here; runs of it become one space, dropped at either end.
    func isSpace(_ byte: UInt8) -> Bool { byte == .space || byte == .tab || byte == .cr || byte == .lf }
    var index = field.colon + 1
    while index < field.end, isSpace(message[index]) { index += 1 }
    var copied = index  // message[copied..<index] is canonical as it stands and not yet appended
    while index < field.end {
      guard isSpace(message[index]) else {
        index += 1
        continue
      }
      let run = index
      index += 1
      while index < field.end, isSpace(message[index]) { index += 1 }
      if index < field.end, index - run == 1, message[run] == .space { continue }  // one space: canonical already
      output.append(contentsOf: UnsafeBufferPointer(rebasing: message[copied..<run]))
      if index < field.end { output.append(.space) }
      copied = index
    }
    output.append(contentsOf: UnsafeBufferPointer(rebasing: message[copied..<index]))
  }

  /// Writes `body` relaxed (§3.4.4) to `sink`: white space at line ends dropped, other runs
  /// of it made one space, empty lines at the end dropped, a CRLF added after a last line
  /// that lacks one. An empty body stays empty (§3.4.4, unlike "simple", which makes it a CRLF).
  ///
  /// Most of a body is already canonical, so the sink gets the input's own bytes in long
  /// slices, cut only where a change is due: no copy, no allocation, one pass.
  static func writeRelaxedBody<Sink: DKIMByteSink>(_ body: UnsafeBufferPointer<UInt8>, to sink: inout Sink) {
    guard let base = body.baseAddress else { return }
    // The end of the last line with text: everything after it is white space and CRLFs,
    // which canonicalise to that line's CRLF and then empty lines, all dropped but the CRLF.
    var end = body.count
    while end > 0 {
      let last = base[end - 1]
      if last == .space || last == .tab {
        end -= 1
      } else if last == .lf, end >= 2, base[end - 2] == .cr {
        end -= 2
      } else {
        break
      }
    }
    guard end > 0 else { return }

    var copied = 0  // base[copied..<index] is canonical as it stands and not yet written
    var index = 0
    let raw = UnsafeRawPointer(base)
    while index < end {
      if index + 9 <= end {
        // Eight bytes at a time: skip them unless one is a tab, or a space followed by
        // white space or a control character such as CR (a run, or perhaps white space at
        // a line end). A single space between words, the common case, is canonical already.
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        let next = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index + 1, as: UInt64.self))
        let found = Self.bytes(of: word, equalTo: .tab) | (Self.bytes(of: word, equalTo: .space) & Self.controlOrSpaceBytes(next))
        if found == 0 {
          index += 8
          continue
        }
        index += found.trailingZeroBitCount >> 3
      } else if base[index] != .space && base[index] != .tab {
        index += 1
        continue
      }
      let byte = base[index]
      let run = index
      index += 1
      while base[index] == .space || base[index] == .tab { index += 1 }  // base[end - 1] is not white space
      // The CRLF cannot straddle `end`: a CRLF ending there would have been cut off too.
      let atLineEnd = base[index] == .cr && index + 1 < end && base[index + 1] == .lf
      if !atLineEnd && index - run == 1 && byte == .space { continue }  // one space: canonical already
      sink.write(UnsafeRawBufferPointer(start: base + copied, count: run - copied))
      if !atLineEnd { withUnsafeBytes(of: UInt8.space) { sink.write($0) } }
      copied = index
    }
    sink.write(UnsafeRawBufferPointer(start: base + copied, count: end - copied))
    withUnsafeBytes(of: (UInt8.cr, UInt8.lf)) { sink.write($0) }
  }

  /// Appends `field` simple (§3.4.1): exactly as it is, folds and all. No CRLF is appended.
  static func appendSimple(_ field: Field, of message: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    output.append(contentsOf: UnsafeBufferPointer(rebasing: message[field.start..<field.end]))
  }

  /// Writes `body` simple (§3.4.3) to `sink`: as it is, but the empty lines at its end
  /// dropped and one CRLF ending it; an empty body is one CRLF.
  static func writeSimpleBody<Sink: DKIMByteSink>(_ body: UnsafeBufferPointer<UInt8>, to sink: inout Sink) {
    var end = body.count
    while end >= 2, body[end - 2] == .cr, body[end - 1] == .lf { end -= 2 }
    if end > 0 { sink.write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(body)[0..<end])) }
    withUnsafeBytes(of: (UInt8.cr, UInt8.lf)) { sink.write($0) }
  }

  /// 0x80 in each byte of `word` that equals `byte`, 0 in the others; exact per byte (no
  /// carries between bytes), unlike the shorter "has a zero byte" test.
  @inline(__always)
  private static func bytes(of word: UInt64, equalTo byte: UInt8) -> UInt64 {
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let difference = word ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
    return ~(((difference & low7) &+ low7) | difference | low7)
  }

  /// 0x80 in each byte of `word` that is at most 0x20 (controls and space), 0 in the others.
  @inline(__always)
  private static func controlOrSpaceBytes(_ word: UInt64) -> UInt64 {
    // 0x21 + 0x5F sets a byte's high bit; anything lower does not (and nothing carries).
    ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x5F5F_5F5F_5F5F_5F5F) | word) & 0x8080_8080_8080_8080
  }
}
