/// A JPEG file read as its segments, to publish a photo's own compressed pixels with only
/// the metadata that is kept: no decoding, no second compression, no loss. Kept are the
/// segments that say how to show the pixels (JFIF, the colour profile, Adobe's colour
/// transform, tables, frame and scans); dropped are EXIF (with its GPS, serial numbers,
/// maker notes and thumbnail), XMP, IPTC, comments, the other application segments, and
/// anything after the end of the image (a phone's second image or video).
package struct JPEGSegments: Sendable {
  /// The segments before the first scan that are kept, each with its marker and length.
  private var kept: [ArraySlice<UInt8>] = []
  /// The JFIF segment, which must stay first.
  private var jfif: ArraySlice<UInt8>?
  /// From the first scan to the end of the image, end marker included.
  private var scans: ArraySlice<UInt8> = []
  /// The EXIF segment's TIFF data, for its orientation.
  package private(set) var exif: [UInt8]?
  /// The frame's width and height in pixels.
  package private(set) var width = 0
  package private(set) var height = 0

  /// Reads the segments; nil when the bytes are not a JPEG this reader understands.
  package init?(_ bytes: [UInt8]) {
    guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
    var index = 2
    while index + 4 <= bytes.count {
      guard bytes[index] == 0xFF else { return nil }
      let marker = bytes[index + 1]
      if marker == 0xFF { index += 1; continue }  // fill byte
      let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
      guard length >= 2, index + 2 + length <= bytes.count else { return nil }
      let segment = bytes[index..<index + 2 + length]
      let payload = bytes[index + 4..<index + 2 + length]
      switch marker {
      case 0xDA:
        // The scans: up to the end-of-image marker, which may come after several scans
        // (a progressive JPEG) with tables between them; whatever follows it is dropped.
        guard let end = Self.endOfImage(bytes, from: index + 2 + length) else { return nil }
        scans = bytes[index..<end]
        guard width > 0, height > 0 else { return nil }
        return
      case 0xE0 where payload.starts(with: Array("JFIF\0".utf8)):
        jfif = segment
      case 0xE1:
        if payload.starts(with: Array("Exif\0\0".utf8)) { exif = Array(payload) }
      case 0xE2 where payload.starts(with: Array("ICC_PROFILE\0".utf8)):
        kept.append(segment)
      case 0xEE:
        kept.append(segment)  // Adobe: how the colour channels are stored
      case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
        guard length >= 7 else { return nil }
        height = Int(bytes[index + 5]) << 8 | Int(bytes[index + 6])
        width = Int(bytes[index + 7]) << 8 | Int(bytes[index + 8])
        kept.append(segment)
      case 0xE0...0xEF, 0xFE:
        break  // other application data and comments
      default:
        kept.append(segment)  // tables, restart interval, frame
      }
      index += 2 + length
    }
    return nil
  }

  /// Where the image ends (just after FFD9), searching the entropy-coded data and any
  /// segments between scans.
  private static func endOfImage(_ bytes: [UInt8], from start: Int) -> Int? {
    var index = start
    while index + 1 < bytes.count {
      guard bytes[index] == 0xFF else { index += 1; continue }
      let next = bytes[index + 1]
      switch next {
      case 0x00, 0xFF, 0xD0...0xD7: index += next == 0xFF ? 1 : 2  // stuffing, fill, restart
      case 0xD9: return index + 2
      default:
        // A segment between scans (DHT, DQT, SOS…): skip over its header.
        guard index + 3 < bytes.count else { return nil }
        index += 2 + (Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]))
      }
    }
    return nil
  }

  /// The EXIF orientation (1–8); 1 when there is none.
  package var orientation: Int {
    guard let exif else { return 1 }
    return ImageMetadata.ifd0Short(exif, tag: 0x0112) ?? 1
  }

  /// The JPEG with only the kept segments, and `exif` and `xmp` (new blocks) as its
  /// metadata.
  package func rewritten(exif: [UInt8]?, xmp: [UInt8]?) -> [UInt8] {
    var output: [UInt8] = [0xFF, 0xD8]
    if let jfif { output += jfif }
    func append(_ marker: UInt8, _ payload: [UInt8]) {
      guard payload.count + 2 <= 0xFFFF else { return }  // too large for one segment: left out
      output += [0xFF, marker, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
    }
    if let exif { append(0xE1, exif) }
    if let xmp { append(0xE1, Array("http://ns.adobe.com/xap/1.0/\0".utf8) + xmp) }
    for segment in kept { output += segment }
    output += scans
    return output
  }
}
