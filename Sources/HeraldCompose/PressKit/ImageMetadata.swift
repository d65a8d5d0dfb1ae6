import Foundation

/// The metadata a published photo keeps: who made it and who owns it (EXIF Artist and
/// Copyright, XMP dc:rights and photoshop:Credit, IPTC by-line, credit and copyright
/// notice). Everything else a camera or phone writes — GPS position, serial numbers of
/// body and lens, owner name, maker notes, thumbnails, comments — is not carried over:
/// a rendition is saved with only the blocks made here.
package struct ImageMetadata: Sendable, Equatable {
  /// EXIF Artist (0x013B), the photographer.
  package var artist: String?
  /// EXIF Copyright (0x8298).
  package var copyright: String?
  /// XMP photoshop:Credit (or IPTC 2:110 Credit): "Photo: Name / Agency".
  package var credit: String?
  /// XMP dc:rights (or IPTC 2:116 Copyright Notice), when EXIF has no Copyright.
  package var rights: String?
  /// IPTC 2:80 By-line, when EXIF has no Artist.
  package var byline: String?

  package init(artist: String? = nil, copyright: String? = nil, credit: String? = nil, rights: String? = nil, byline: String? = nil) {
    self.artist = artist
    self.copyright = copyright
    self.credit = credit
    self.rights = rights
    self.byline = byline
  }

  /// Whether there is anything to keep.
  package var isEmpty: Bool { [artist, copyright, credit, rights, byline].allSatisfy { $0 == nil } }

  /// Reads what is kept from an image's EXIF block (libvips' "exif-data": "Exif\0\0" and a
  /// TIFF structure), XMP packet and IPTC block; unreadable parts are skipped.
  package init(exif: [UInt8]?, xmp: [UInt8]?, iptc: [UInt8]?) {
    if let exif {
      let tags = Self.ifd0Strings(exif)
      artist = tags[0x013B]
      copyright = tags[0x8298]
    }
    if let xmp {
      let text = String(decoding: xmp, as: UTF8.self)
      credit = Self.xmpValue(text, "photoshop:Credit")
      rights = Self.xmpValue(text, "dc:rights")
    }
    if let iptc {
      let records = Self.iptcRecords(iptc)
      byline = records[80]
      if credit == nil { credit = records[110] }
      if rights == nil { rights = records[116] }
    }
  }

  // MARK: EXIF

  /// A SHORT entry of the first IFD (the orientation, 0x0112).
  static func ifd0Short(_ block: [UInt8], tag wanted: UInt16) -> Int? {
    guard let tiff = TIFFReader(exif: block) else { return nil }
    var found: Int?
    tiff.forEachIFD0Entry { tag, type, _, entry in
      if tag == wanted, type == 3 { found = tiff.u16(entry + 8) }
    }
    return found
  }

  /// The ASCII entries of the first IFD, by tag.
  static func ifd0Strings(_ block: [UInt8]) -> [UInt16: String] {
    guard let tiff = TIFFReader(exif: block) else { return [:] }
    var found: [UInt16: String] = [:]
    tiff.forEachIFD0Entry { tag, type, length, entry in
      guard type == 2, length > 0 else { return }
      let start = length <= 4 ? entry + 8 : (tiff.u32(entry + 8) ?? -1)
      guard start >= 0, start + length <= tiff.bytes.count else { return }
      var value = Array(tiff.bytes[start..<start + length])
      while value.last == 0 { value.removeLast() }
      let text = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces)
      if !text.isEmpty { found[tag] = text }
    }
    return found
  }

  /// A new EXIF block (for libvips' "exif-data") holding only Artist and Copyright, and
  /// Orientation 1 (the pixels are already turned upright); nil when there is neither.
  package func exifBlock() -> [UInt8]? {
    var entries: [(tag: UInt16, value: [UInt8])] = []
    if let artist = artist ?? byline { entries.append((0x013B, Array(artist.utf8) + [0])) }
    if let copyright = copyright ?? rights { entries.append((0x8298, Array(copyright.utf8) + [0])) }
    guard !entries.isEmpty else { return nil }
    var block = Array("Exif\0\0".utf8)
    var tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00]
    func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    func u32(_ value: Int) -> [UInt8] { u16(value & 0xFFFF) + u16(value >> 16) }
    let count = entries.count + 1
    var dataOffset = 8 + 2 + count * 12 + 4
    var directory = u16(count)
    var data: [UInt8] = []
    // Entries in ascending tag order, as TIFF wants: Orientation (0x0112) first.
    directory += u16(0x0112) + u16(3) + u32(1) + u16(1) + u16(0)
    for entry in entries {
      directory += u16(Int(entry.tag)) + u16(2) + u32(entry.value.count)
      if entry.value.count <= 4 {
        directory += entry.value + Array(repeating: 0, count: 4 - entry.value.count)
      } else {
        directory += u32(dataOffset)
        data += entry.value
        dataOffset += entry.value.count
        if dataOffset % 2 == 1 {
          data.append(0)
          dataOffset += 1
        }
      }
    }
    directory += u32(0)  // no next IFD: no thumbnail
    tiff += directory + data
    block += tiff
    return block
  }

  // MARK: XMP

  /// The text of an XMP property, whether written as an attribute, an element, or an
  /// rdf:Alt/rdf:Seq of rdf:li (the first).
  static func xmpValue(_ packet: String, _ name: String) -> String? {
    if let range = packet.range(of: name + "=\"") {
      let rest = packet[range.upperBound...]
      if let end = rest.firstIndex(of: "\"") { return unescape(String(rest[..<end])) }
    }
    guard let open = packet.range(of: "<" + name), let close = packet.range(of: "</" + name + ">", range: open.upperBound..<packet.endIndex)
    else { return nil }
    var inner = packet[open.upperBound..<close.lowerBound]
    guard let start = inner.firstIndex(of: ">") else { return nil }
    inner = inner[inner.index(after: start)...]
    if let li = inner.range(of: "<rdf:li"), let liEnd = inner[li.upperBound...].firstIndex(of: ">"),
      let liClose = inner.range(of: "</rdf:li>", range: liEnd..<inner.endIndex)
    {
      inner = inner[inner.index(after: liEnd)..<liClose.lowerBound]
    }
    let text = unescape(String(inner)).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty || text.contains("<") ? nil : text
  }

  private static func unescape(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
      .replacingOccurrences(of: "&amp;", with: "&")
  }

  private static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// A new XMP packet holding only dc:rights, dc:creator and photoshop:Credit; nil when
  /// there is none of them.
  package func xmpPacket() -> [UInt8]? {
    let rights = self.rights ?? copyright
    let creator = artist ?? byline
    guard rights != nil || credit != nil || creator != nil else { return nil }
    var properties = ""
    if let rights {
      properties += "<dc:rights><rdf:Alt><rdf:li xml:lang=\"x-default\">\(Self.escape(rights))</rdf:li></rdf:Alt></dc:rights>"
    }
    if let creator { properties += "<dc:creator><rdf:Seq><rdf:li>\(Self.escape(creator))</rdf:li></rdf:Seq></dc:creator>" }
    if let credit { properties += "<photoshop:Credit>\(Self.escape(credit))</photoshop:Credit>" }
    let packet = """
      <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF \
      xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" \
      xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">\(properties)\
      </rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>
      """
    return Array(packet.utf8)
  }

  // MARK: IPTC

  /// IPTC-IIM record 2 datasets (number → text), from a block as libvips reads it
  /// (Photoshop's APP13 with an 8BIM 0x0404 resource) or bare IIM.
  static func iptcRecords(_ block: [UInt8]) -> [UInt8: String] {
    var found: [UInt8: String] = [:]
    var index = block.firstIndex(of: 0x1C) ?? block.count
    while index + 5 <= block.count, block[index] == 0x1C {
      let record = block[index + 1]
      let dataset = block[index + 2]
      let length = Int(block[index + 3]) << 8 | Int(block[index + 4])
      let start = index + 5
      guard length < 0x8000, start + length <= block.count else { break }
      if record == 2, found[dataset] == nil {
        found[dataset] = String(decoding: block[start..<start + length], as: UTF8.self)
      }
      index = start + length
    }
    return found
  }
}

/// The TIFF structure inside an EXIF block, read in its own byte order; every read is
/// bounds-checked (a photo's metadata is whatever its file says).
private struct TIFFReader {
  let bytes: [UInt8]
  let little: Bool

  /// The TIFF data of `exif` ("Exif\0\0" first or not); nil when it is not TIFF.
  init?(exif: [UInt8]) {
    var data = exif[...]
    if data.starts(with: Array("Exif\0\0".utf8)) { data = data.dropFirst(6) }
    bytes = Array(data)
    guard bytes.count >= 8 else { return nil }
    switch (bytes[0], bytes[1]) {
    case (0x49, 0x49): little = true
    case (0x4D, 0x4D): little = false
    default: return nil
    }
  }

  func u16(_ at: Int) -> Int? {
    guard at >= 0, at + 2 <= bytes.count else { return nil }
    return little ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : Int(bytes[at]) << 8 | Int(bytes[at + 1])
  }

  func u32(_ at: Int) -> Int? {
    guard let a = u16(at), let b = u16(at + 2) else { return nil }
    return little ? a | b << 16 : a << 16 | b
  }

  /// Calls `visit` with each entry of the first IFD (at most 512): its tag, type, count and
  /// the entry's offset (its value field is 8 bytes further).
  func forEachIFD0Entry(_ visit: (UInt16, Int, Int, Int) -> Void) {
    guard let ifd = u32(4), let count = u16(ifd) else { return }
    for index in 0..<min(count, 512) {
      let entry = ifd + 2 + index * 12
      guard let tag = u16(entry), let type = u16(entry + 2), let length = u32(entry + 4) else { return }
      visit(UInt16(tag), type, length, entry)
    }
  }
}
