/// A file published with a release: a photo, its mail rendition, or a document. Its bytes
/// are stored once by their SHA-256 (the workspace's Media/ folder) and served at an address
/// under the release that names that digest, so an address never changes what it serves.
///
/// The compose side makes these (references in the Markdown, renditions, metadata
/// stripped); the publication keeps the list; the web server serves them while the
/// release is visible.
public struct PressKitFile: Sendable, Hashable, Codable {
  /// What the file is to a reader.
  public enum Kind: String, Sendable, Hashable, Codable {
    /// A photo as published in the press kit: the original, personal metadata removed.
    case image
    /// An image made for mail and the page (at most 1200 px wide); not listed in the press kit.
    case rendition
    /// A document: PDF, DOCX, XLSX, ODT, CSV, ZIP, MP3, MP4.
    case document
  }

  /// The name it is offered under: "director.jpg", "report.pdf".
  public var name: String
  /// Image, rendition or document.
  public var kind: Kind
  /// Its Content-Type: "image/jpeg", "application/pdf".
  public var mediaType: String
  /// Its size in bytes.
  public var size: Int
  /// The SHA-256 of its bytes, lowercase hex: its name in Media/ and part of its address.
  public var digest: String
  /// An image's width and height in pixels.
  public var width: Int?
  public var height: Int?
  /// An image's description (alt text), from the Markdown.
  public var alt: String?
  /// An image's caption and credit, from the Markdown's title ("Caption — Photo: Name").
  public var caption: String?

  /// A published file.
  public init(
    name: String, kind: Kind, mediaType: String, size: Int, digest: String, width: Int? = nil, height: Int? = nil, alt: String? = nil,
    caption: String? = nil
  ) {
    self.name = name
    self.kind = kind
    self.mediaType = mediaType
    self.size = size
    self.digest = digest
    self.width = width
    self.height = height
    self.alt = alt
    self.caption = caption
  }

  /// Whether it is listed in the press kit (and its ZIP): photos and documents, not renditions.
  public var isListed: Bool { kind != .rendition }

  /// Where its bytes are kept in a Media/ folder: "ab/abcdef…" (two levels, so that no
  /// folder grows too large).
  public var storagePath: String { String(digest.prefix(2)) + "/" + digest }
}
