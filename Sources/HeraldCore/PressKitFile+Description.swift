import Foundation

extension PressKitFile {
  /// What kind of file it is, in words a reader knows: "JPEG image", "PDF", "Word document".
  /// For a type Herald does not name, the name's extension in capitals ("KEY file").
  public var typeDescription: String {
    switch mediaType.lowercased().split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces) }) ?? "" {
    case "image/jpeg": return "JPEG image"
    case "image/png": return "PNG image"
    case "image/gif": return "GIF image"
    case "image/webp": return "WebP image"
    case "application/pdf": return "PDF"
    case "application/vnd.openxmlformats-officedocument.wordprocessingml.document": return "Word document"
    case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": return "Excel spreadsheet"
    case "application/vnd.oasis.opendocument.text": return "OpenDocument text"
    case "text/csv": return "CSV table"
    case "application/zip": return "ZIP archive"
    case "audio/mpeg": return "MP3 audio"
    case "video/mp4": return "MP4 video"
    default:
      let dot = name.lastIndex(of: ".")
      guard let dot, name.index(after: dot) < name.endIndex else { return "File" }
      return name[name.index(after: dot)...].uppercased() + " file"
    }
  }

  /// Whether its bytes are compressed already (photos, PDF, office files, ZIP, audio,
  /// video), so that zipping them again would only cost time.
  public var isCompressed: Bool {
    let type = mediaType.lowercased()
    return !(type.hasPrefix("text/") || type == "image/svg+xml" || type == "application/json" || type == "application/xml")
  }
}
