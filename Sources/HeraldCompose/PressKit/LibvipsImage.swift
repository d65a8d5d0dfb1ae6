import CVips
import CVipsEnvironment
import Foundation

/// One libvips image, owned: the reference is dropped when this goes away. Not
/// `Sendable`: an image is used by the thread that made it.
final class LibvipsImage {
  private let pointer: UnsafeMutablePointer<CVips.VipsImage>

  private init(_ pointer: UnsafeMutablePointer<CVips.VipsImage>) {
    self.pointer = pointer
  }

  deinit { cvips_unref(pointer) }

  /// libvips, started once per process (VIPS_INIT is not to be called concurrently);
  /// nil when it started, else its error.
  private static let started: String? = {
    // VIPSHOME was set when the program was loaded (CVipsEnvironment), so that vips_init
    // does not change the environment while another thread may be starting a process.
    guard cvips_environment_prefix() != nil else { return "libvips' installation prefix (VIPSHOME) was not set when Herald started" }
    guard cvips_init() == 0 else { return LibvipsImage.lastError() }
    // Renditions are made once and cached in Media/: libvips' own operation cache would
    // only hold on to memory (and open files) between them.
    vips_cache_set_max(0)
    return nil
  }()

  /// libvips' error text, cleared.
  static func lastError() -> String {
    let text = vips_error_buffer().map { String(cString: $0) } ?? ""
    vips_error_clear()
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// An image read from a file and shrunk to fit within width × height (never enlarged),
  /// its EXIF orientation applied. JPEGs shrink while they load.
  /// - Throws: `ImageError` with libvips' reason.
  static func thumbnail(file: String, width: Int, height: Int) throws -> LibvipsImage {
    if let failure = started { throw ImageError(file: file, "libvips could not start: \(failure)") }
    var output: UnsafeMutablePointer<CVips.VipsImage>?
    guard cvips_thumbnail(file, &output, Int32(clamping: width), Int32(clamping: height)) == 0, let output else {
      throw ImageError(file: file, "could not be read as an image: \(lastError())")
    }
    return LibvipsImage(output)
  }

  /// Its width and height in pixels.
  var width: Int { Int(vips_image_get_width(pointer)) }
  var height: Int { Int(vips_image_get_height(pointer)) }
  /// Whether it has an alpha channel (transparency).
  var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }

  /// A metadata block ("exif-data", "xmp-data", "iptc-data"), when it has one.
  func blob(_ name: String) -> [UInt8]? {
    guard vips_image_get_typeof(pointer, name) != 0 else { return nil }
    var data: UnsafeRawPointer?
    var length = 0
    guard vips_image_get_blob(pointer, name, &data, &length) == 0, let data else { return nil }
    return Array(UnsafeRawBufferPointer(start: data, count: length))
  }

  /// Removes every metadata field but the colour profile, then sets `blocks` (name →
  /// bytes): what is saved is only what is set here.
  func replaceMetadata(with blocks: [String: [UInt8]]) {
    if let fields = vips_image_get_fields(pointer) {
      var index = 0
      var names: [String] = []
      while let field = fields[index] {
        names.append(String(cString: field))
        index += 1
      }
      g_strfreev(fields)
      // A colour profile says how to show the colours; it says nothing about anyone.
      for name in names where name != "icc-profile-data" { vips_image_remove(pointer, name) }
    }
    for (name, bytes) in blocks {
      bytes.withUnsafeBytes { vips_image_set_blob_copy(pointer, name, $0.baseAddress, $0.count) }
    }
  }

  /// The image encoded as JPEG, PNG or WebP.
  enum Encoding {
    case jpeg(quality: Int)
    case png
    case webp(quality: Int)
  }

  /// Its bytes in `encoding`.
  /// - Throws: `ImageError` with libvips' reason.
  func encoded(_ encoding: Encoding, file: String) throws -> [UInt8] {
    var buffer: UnsafeMutableRawPointer?
    var length = 0
    let status: Int32
    switch encoding {
    case .jpeg(let quality): status = cvips_jpegsave_buffer(pointer, &buffer, &length, Int32(quality))
    case .png: status = cvips_pngsave_buffer(pointer, &buffer, &length)
    case .webp(let quality): status = cvips_webpsave_buffer(pointer, &buffer, &length, Int32(quality))
    }
    guard status == 0, let buffer else { throw ImageError(file: file, "could not be encoded: \(Self.lastError())") }
    defer { cvips_free(buffer) }
    return Array(UnsafeRawBufferPointer(start: buffer, count: length))
  }
}

/// An image libvips could not read or write.
struct ImageError: Error, CustomStringConvertible {
  /// The image file.
  var file: String
  /// What went wrong, for a person.
  var reason: String
  init(file: String, _ reason: String) {
    self.file = file
    self.reason = reason
  }
  var description: String { "\(file) \(reason)" }
}
