import Foundation

/// The published forms of one photo, made with libvips: the original as the press kit
/// offers it (turned upright by its EXIF orientation, personal metadata removed, copyright
/// and credit kept) and the mail rendition (at most `mailWidth` pixels wide, never
/// enlarged, the same metadata, JPEG — or PNG when it has transparency).
package struct ImageRenditions: Sendable {
  /// The encoded original.
  package var original: [UInt8]
  /// Its format (JPEG stays JPEG, PNG PNG, WebP WebP).
  package var originalType: MediaType
  package var originalWidth: Int
  package var originalHeight: Int
  /// The encoded mail rendition.
  package var rendition: [UInt8]
  /// Its format: JPEG, or PNG for an image with transparency.
  package var renditionType: MediaType
  package var renditionWidth: Int
  package var renditionHeight: Int
  /// The metadata both carry.
  package var metadata: ImageMetadata

  /// The widest a mail rendition is: twice the 600 pixels it is shown at, for sharp
  /// screens.
  package static let mailWidth = 1200
  /// JPEG quality of the mail rendition, and of an original that had to be turned upright.
  package static let mailQuality = 82
  package static let originalQuality = 92
  /// A box no image is larger than: libvips' largest coordinate (VIPS_MAX_COORD), so that
  /// "fit within" never shrinks.
  static let noLimit = 10_000_000

  /// Makes both forms of the image at `file` (JPEG, PNG, GIF or WebP).
  /// - Throws: `ImageError` when libvips cannot read or write it.
  package init(file: String, type: MediaType) throws {
    // The rendition first, shrinking on load: a 6000-pixel photo is never decoded whole
    // for it. It carries the source's metadata, which is read from it.
    let small = try LibvipsImage.thumbnail(file: file, width: Self.mailWidth, height: Self.noLimit)
    let metadata = ImageMetadata(exif: small.blob("exif-data"), xmp: small.blob("xmp-data"), iptc: small.blob("iptc-data"))
    self.metadata = metadata
    var blocks: [String: [UInt8]] = [:]
    if let exif = metadata.exifBlock() { blocks["exif-data"] = exif }
    if let xmp = metadata.xmpPacket() { blocks["xmp-data"] = xmp }
    let hasAlpha = small.hasAlpha
    small.replaceMetadata(with: blocks)
    renditionWidth = small.width
    renditionHeight = small.height
    if hasAlpha {
      rendition = try small.encoded(.png, file: file)
      renditionType = .png
    } else {
      rendition = try small.encoded(.jpeg(quality: Self.mailQuality), file: file)
      renditionType = .jpeg
    }

    // The original: a JPEG already upright keeps its own compressed pixels, only its
    // metadata replaced (no loss, no work); any other is turned upright and saved again.
    let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
    if type == .jpeg, let segments = JPEGSegments(bytes), segments.orientation == 1 {
      original = segments.rewritten(exif: blocks["exif-data"], xmp: blocks["xmp-data"])
      originalType = .jpeg
      originalWidth = segments.width
      originalHeight = segments.height
      return
    }
    if type == .gif {
      // GIF carries no EXIF or GPS; it is published as it is, so that an animation stays
      // one (libvips would keep only its first frame).
      let full = try LibvipsImage.thumbnail(file: file, width: Self.noLimit, height: Self.noLimit)
      original = bytes
      originalType = .gif
      originalWidth = full.width
      originalHeight = full.height
      return
    }
    // At its own size (the box is larger than any image: never enlarged); thumbnail
    // applies the orientation as for the rendition.
    let full = try LibvipsImage.thumbnail(file: file, width: Self.noLimit, height: Self.noLimit)
    full.replaceMetadata(with: blocks)
    originalWidth = full.width
    originalHeight = full.height
    switch type {
    case .png:
      original = try full.encoded(.png, file: file)
      originalType = .png
    case .webp:
      original = try full.encoded(.webp(quality: Self.originalQuality), file: file)
      originalType = .webp
    default:
      original = try full.encoded(.jpeg(quality: Self.originalQuality), file: file)
      originalType = .jpeg
    }
  }

  /// The size an image is shown at in mail: at most 600 pixels wide, aspect kept.
  package static func displaySize(width: Int, height: Int, maximum: Int = 600) -> (width: Int, height: Int) {
    guard width > maximum, width > 0 else { return (width, height) }
    return (maximum, max(1, Int((Double(height) * Double(maximum) / Double(width)).rounded())))
  }
}
