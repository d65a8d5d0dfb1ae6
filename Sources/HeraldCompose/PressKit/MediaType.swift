import Foundation

/// A kind of file a release may carry, recognised by its content (magic bytes) and not
/// only by its name: a photo renamed to “.pdf” is caught before it reaches a reader.
package struct MediaType: Sendable, Hashable, CustomStringConvertible {
  /// What people call it: "JPEG", "PDF".
  package var name: String
  /// Its Content-Type: "image/jpeg".
  package var mediaType: String
  /// Whether mail can show it as an image (JPEG, PNG, GIF, WebP).
  package var isImage: Bool
  /// The file name endings it is written with, lowercase, without the dot.
  package var extensions: [String]

  package var description: String { name }

  package static let jpeg = MediaType(name: "JPEG", mediaType: "image/jpeg", isImage: true, extensions: ["jpg", "jpeg"])
  package static let png = MediaType(name: "PNG", mediaType: "image/png", isImage: true, extensions: ["png"])
  package static let gif = MediaType(name: "GIF", mediaType: "image/gif", isImage: true, extensions: ["gif"])
  package static let webp = MediaType(name: "WebP", mediaType: "image/webp", isImage: true, extensions: ["webp"])
  package static let pdf = MediaType(name: "PDF", mediaType: "application/pdf", isImage: false, extensions: ["pdf"])
  package static let docx = MediaType(
    name: "DOCX", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", isImage: false, extensions: ["docx"])
  package static let xlsx = MediaType(
    name: "XLSX", mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", isImage: false, extensions: ["xlsx"])
  package static let odt = MediaType(name: "ODT", mediaType: "application/vnd.oasis.opendocument.text", isImage: false, extensions: ["odt"])
  package static let csv = MediaType(name: "CSV", mediaType: "text/csv", isImage: false, extensions: ["csv"])
  package static let zip = MediaType(name: "ZIP", mediaType: "application/zip", isImage: false, extensions: ["zip"])
  package static let mp3 = MediaType(name: "MP3", mediaType: "audio/mpeg", isImage: false, extensions: ["mp3"])
  package static let mp4 = MediaType(name: "MP4", mediaType: "video/mp4", isImage: false, extensions: ["mp4"])
  /// Never allowed in mail; known so that the error can say why.
  package static let svg = MediaType(name: "SVG", mediaType: "image/svg+xml", isImage: true, extensions: ["svg", "svgz"])

  /// Every type a release may carry.
  package static let allowed: [MediaType] = [.jpeg, .png, .gif, .webp, .pdf, .docx, .xlsx, .odt, .csv, .zip, .mp3, .mp4]

  /// The allowed type a file name's ending says; nil for any other ending.
  package static func named(_ fileName: String) -> MediaType? {
    let ending = (fileName as NSString).pathExtension.lowercased()
    return (allowed + [.svg]).first { $0.extensions.contains(ending) }
  }

  /// The allowed names, for messages: "JPEG, PNG, GIF, WebP".
  package static func list(images: Bool) -> String {
    allowed.filter { $0.isImage == images }.map(\.name).joined(separator: ", ")
  }

  /// What the first bytes of a file are, when they are one of the known types. Formats
  /// in a ZIP container (DOCX, XLSX, ODT) are told apart by `fileName`'s ending, as the
  /// container is the same; CSV has no signature and is recognised as text.
  /// - Parameters:
  ///   - head: The file's first bytes (4 KB is plenty).
  ///   - fileName: Its name, to tell the ZIP-based formats apart.
  package static func sniff(_ head: [UInt8], fileName: String) -> MediaType? {
    func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
      head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
    }
    if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
    if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
    if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
    if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
    if starts(Array("%PDF-".utf8)) { return .pdf }
    if starts(Array("ftyp".utf8), at: 4) { return .mp4 }
    if starts(Array("ID3".utf8)) || (head.count >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) { return .mp3 }
    if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
      // An OpenDocument file names its type in a first entry called "mimetype".
      if String(decoding: head.prefix(120), as: UTF8.self).contains("application/vnd.oasis.opendocument.text") { return .odt }
      switch named(fileName) {
      case .docx?: return .docx
      case .xlsx?: return .xlsx
      default: return .zip
      }
    }
    let text = String(decoding: head.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    if text.hasPrefix("<svg") || (text.hasPrefix("<?xml") && text.contains("<svg")) { return .svg }
    // Text without NUL bytes that decodes as UTF-8: a CSV. The head may end inside a
    // character; its cut bytes are left out.
    var text8 = head[...]
    while let last = text8.last, last & 0xC0 == 0x80 { text8 = text8.dropLast() }
    if let last = text8.last, last >= 0xC0 { text8 = text8.dropLast() }
    if !head.contains(0), String(validating: text8, as: UTF8.self) != nil { return .csv }
    return nil
  }
}
