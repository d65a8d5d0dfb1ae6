import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldTesting
import Testing

/// A release's photos and files: references checked with their lines, photos published
/// upright and without personal metadata, made once, shown as figures with captions, and
/// carried by mail as addresses, embedded parts or attachments.
struct PressKitTests {
  let fixtures: MediaFixtures

  init() throws {
    fixtures = try MediaFixtures()
  }

  func problems(_ composed: ComposedRelease, _ severity: Diagnostic.Severity) -> [Diagnostic] {
    ReleaseChecker.diagnostics(for: composed).filter { $0.severity == severity }
  }

  @Test func missingEscapingAbsoluteAndForbiddenFilesAreErrorsAtTheirLines() throws {
    try fixtures.jpeg("Releases/photo.jpg", width: 40, height: 30)
    try fixtures.write("Releases/logo.svg", Array("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8))
    try fixtures.write("Releases/notes.txt", Array("notes".utf8))
    try fixtures.write("Releases/fake.pdf", Array(try Data(contentsOf: fixtures.url("Releases/photo.jpg"))))
    try fixtures.write("Releases/scan.png", MediaFixtures.noise(200))
    try fixtures.pdf("outside.pdf")
    try fixtures.pdf("Releases/report.pdf")
    // The body starts on line 7 of the file (six lines of front matter).
    let composed = try fixtures.compose("""
      [missing](missing.pdf)

      [outside](../outside.pdf)

      [absolute](/etc/hosts)

      ![Logo](logo.svg)

      [notes](notes.txt)

      [fake](fake.pdf)

      ![Report](report.pdf)

      ![Scan](scan.png)
      """)
    let errors = problems(composed, .error)
    func error(at line: Int, _ words: String...) -> Bool {
      errors.contains { $0.line == line && words.allSatisfy($0.message.contains) && $0.file.hasSuffix("Releases/release.md") }
    }
    #expect(error(at: 7, "missing.pdf", "does not exist"), "\(errors)")
    #expect(error(at: 9, "../outside.pdf", "outside the release's folder"), "\(errors)")
    #expect(error(at: 11, "/etc/hosts", "absolute path"), "\(errors)")
    #expect(error(at: 13, "logo.svg", "SVG", "never sent in mail", "PNG"), "\(errors)")
    #expect(error(at: 15, "notes.txt", "not a kind of file"), "\(errors)")
    #expect(error(at: 17, "fake.pdf", "named as PDF", "content is JPEG"), "\(errors)")
    #expect(error(at: 19, "report.pdf", "not an image"), "\(errors)")
    #expect(error(at: 21, "scan.png", "named as PNG", "not a file of any kind"), "\(errors)")
    #expect(errors.count == 8, "\(errors)")
    // Nothing that failed is published.
    #expect(composed.media.publishedFiles.isEmpty)
  }

  @Test func anImageWithoutAltTextAndAFileOverTheWarnSizeAreWarnings() throws {
    try fixtures.jpeg("Releases/photo.jpg", width: 40, height: 30)
    try fixtures.pdf("Releases/big.pdf", size: 3000)
    var settings = Fixtures.settings
    settings.media.warnSize = 2000
    let composed = try fixtures.compose("![](photo.jpg)\n\n[report](big.pdf)\n", settings: settings)
    let warnings = problems(composed, .warning)
    #expect(warnings.contains { $0.line == 7 && $0.message.contains("no alt text") }, "\(warnings)")
    #expect(warnings.contains { $0.line == 9 && $0.message.contains("big.pdf") && $0.message.contains("warn_size") }, "\(warnings)")
    #expect(problems(composed, .error).isEmpty)
  }

  @Test(arguments: [
    ("https://example.org/x.jpg", false), ("mailto:press@example.org", false), ("#top", false), ("{{unsubscribe_url}}", false),
    ("//cdn.example.org/x.png", false), ("photo.jpg", true), ("files/report.pdf", true), ("../x.pdf", true),
  ])
  func onlyReferencesWithoutAnAddressAreTheReleasesFiles(reference: String, isFile: Bool) {
    #expect(ReleaseMedia.isRelative(reference) == isFile)
  }

  @Test func aPhotoIsPublishedUprightWithoutPersonalMetadataButWithItsCredit() throws {
    // Stored 3000 × 2000 and marked "rotate 90° clockwise to show": it shows 2000 × 3000.
    try fixtures.jpeg("Releases/director.jpg", width: 3000, height: 2000, exif: [
      "-Orientation#=6", "-GPSLatitude=52.52", "-GPSLatitudeRef=N", "-GPSLongitude=13.40", "-GPSLongitudeRef=E",
      "-SerialNumber=CAM-0042-SECRET", "-LensSerialNumber=LENS-77-SECRET", "-OwnerName=Private Owner", "-UserComment=at home",
      "-Copyright=Institute for Example Studies", "-Artist=Jane Example", "-XMP-photoshop:Credit=Photo: Jane Example",
    ])
    let composed = try fixtures.compose("![The new director](director.jpg)\n")
    #expect(problems(composed, .error).isEmpty, "\(problems(composed, .error))")
    let item = try #require(composed.media.items["director.jpg"])
    let rendition = try #require(item.rendition)

    for file in [item.file, rendition] {
      let url = fixtures.media.url(of: file)
      let tags = try MediaFixtures.exif(url)
      for personal in ["GPSLatitude", "GPSLongitude", "GPSPosition", "SerialNumber", "LensSerialNumber", "OwnerName", "UserComment"] {
        #expect(tags[personal] == nil, "\(file.kind): \(personal) = \(tags[personal] ?? "")")
      }
      #expect(tags["Copyright"] == "Institute for Example Studies", "\(tags)")
      #expect(tags["Artist"] == "Jane Example", "\(tags)")
      #expect(tags["Credit"] == "Photo: Jane Example", "\(tags)")
      #expect(tags["Orientation"] == nil || tags["Orientation"] == "Horizontal (normal)", "\(tags)")
      // Its digest is the SHA-256 of what is served.
      #expect(MediaFolder.digest(of: Array(try Data(contentsOf: url))) == file.digest)
    }
    // The pixels are turned upright; the rendition is 1200 wide, the original its own size.
    let original = try MediaFixtures.size(fixtures.media.url(of: item.file))
    let small = try MediaFixtures.size(fixtures.media.url(of: rendition))
    #expect(original.width == 2000 && original.height == 3000, "\(original)")
    #expect(small.width == 1200 && small.height == 1800, "\(small)")
    #expect(rendition.width == 1200 && rendition.height == 1800 && rendition.kind == .rendition && rendition.mediaType == "image/jpeg")
    #expect(item.file.kind == .image && item.file.isListed && !rendition.isListed)
    #expect(item.file.alt == "The new director")
  }

  @Test func anUprightJPEGIsPublishedWithItsOwnPixelsAndOnlyTheKeptMetadata() throws {
    try fixtures.jpeg("Releases/street.jpg", width: 2400, height: 1600, exif: [
      "-GPSLatitude=48.85", "-GPSLatitudeRef=N", "-SerialNumber=CAM-9-SECRET", "-Copyright=Example Agency",
      "-Comment=shot from my flat",
    ])
    let source = Array(try Data(contentsOf: fixtures.url("Releases/street.jpg")))
    let composed = try fixtures.compose("![A street](street.jpg)\n")
    let item = try #require(composed.media.items["street.jpg"])
    let published = Array(try Data(contentsOf: fixtures.media.url(of: item.file)))
    // The compressed pixels are the source's, byte for byte: nothing was decoded or lost.
    func scans(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
      let start = (0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA }!
      return bytes[start...]
    }
    #expect(scans(published) == scans(source))
    #expect(item.file.width == 2400 && item.file.height == 1600)
    let tags = try MediaFixtures.exif(fixtures.media.url(of: item.file))
    #expect(tags["GPSLatitude"] == nil && tags["SerialNumber"] == nil && tags["Comment"] == nil, "\(tags)")
    #expect(tags["Copyright"] == "Example Agency", "\(tags)")
  }

  @Test func anythingAfterTheEndOfAJPEGIsNotPublished() throws {
    try fixtures.jpeg("Releases/plain.jpg", width: 64, height: 48)
    let bytes = Array(try Data(contentsOf: fixtures.url("Releases/plain.jpg"))) + Array("a phone's hidden second image".utf8)
    let segments = try #require(JPEGSegments(bytes))
    let rewritten = segments.rewritten(exif: nil, xmp: nil)
    #expect(rewritten.suffix(2) == [0xFF, 0xD9])
    #expect(segments.width == 64 && segments.height == 48 && segments.orientation == 1)
    #expect(JPEGSegments(Array("not a jpeg".utf8)) == nil)
  }

  @Test func aSmallPhotoIsNeverEnlarged() throws {
    try fixtures.jpeg("Releases/small.jpg", width: 500, height: 400)
    let composed = try fixtures.compose("![Small](small.jpg)\n")
    let rendition = try #require(composed.media.items["small.jpg"]?.rendition)
    #expect(try MediaFixtures.size(fixtures.media.url(of: rendition)) == (500, 400))
    #expect(composed.personalisedParts(for: Fixtures.alex, list: "press-en").html.contains("width=\"500\" height=\"400\""))
  }

  @Test func aSecondComposeReusesThePhotosMadeTheFirstTime() throws {
    try fixtures.jpeg("Releases/photo.jpg", width: 1600, height: 1000)
    let first = try fixtures.compose("![A photo](photo.jpg)\n")
    #expect(first.media.imagesProcessed == 1)
    let rendition = fixtures.media.url(of: try #require(first.media.items["photo.jpg"]?.rendition))
    let made = try FileManager.default.attributesOfItem(atPath: rendition.path)[.modificationDate] as! Date
    let second = try fixtures.compose("![A photo](photo.jpg \"Now with a caption\")\n")
    #expect(second.media.imagesProcessed == 0)
    #expect(second.media.items["photo.jpg"]?.rendition == first.media.items["photo.jpg"]?.rendition)
    #expect(try FileManager.default.attributesOfItem(atPath: rendition.path)[.modificationDate] as! Date == made)
    // An index entry says what was made from which source.
    let index = try FileManager.default.contentsOfDirectory(atPath: fixtures.url("Media/index").path)
    #expect(index.count == 1 && index[0].hasSuffix(".json"))
  }

  @Test func aTitledImageIsAFigureWithItsCaptionAndTheTextGivesTheCaptionAndAddress() throws {
    try fixtures.jpeg("Releases/photo.jpg", width: 1800, height: 1200)
    let composed = try fixtures.compose("Before.\n\n![The new director](photo.jpg \"Dr. Example at the institute — Photo: Jane Example\")\n\nAfter ![inline](photo.jpg).\n")
    let item = try #require(composed.media.items["photo.jpg"])
    let site = Fixtures.settings.site
    let renditionURL = site.url(.releaseFile(slug: "release", file: try #require(item.rendition)))
    let originalURL = site.url(.releaseFile(slug: "release", file: item.file))
    #expect(renditionURL.hasPrefix("https://news.example.org/releases/release/files/"))
    let parts = composed.personalisedParts(for: Fixtures.alex, list: "press-en")
    #expect(parts.html.contains("<figure style=\""))
    #expect(parts.html.contains("<img src=\"\(renditionURL)\" alt=\"The new director\" width=\"600\" height=\"400\""), "\(parts.html)")
    #expect(parts.html.contains(">Dr. Example at the institute — Photo: Jane Example</figcaption></figure>"))
    // An image inside a sentence stays an <img>, without a figure.
    #expect(parts.html.contains("After <img src=\"\(renditionURL)\" alt=\"inline\""))
    // The text: the description, the caption under it, the full photo's address as a reference.
    let lines = parts.text.components(separatedBy: "\n")
    let at = try #require(lines.firstIndex { $0.hasPrefix("[The new director] [") })
    #expect(lines[at + 1] == "Dr. Example at the institute — Photo: Jane Example")
    let number = lines[at].dropFirst("[The new director] [".count).prefix { $0.isNumber }
    #expect(parts.text.contains("[\(number)] \(originalURL)"), "\(parts.text)")
    // The archive page: the same figure, absolute addresses, no inline styles.
    let page = composed.publicBody().html
    #expect(page.contains("<figure><img src=\"\(renditionURL)\" alt=\"The new director\" width=\"600\" height=\"400\"><figcaption>"), "\(page)")
    #expect(!page.contains("style="))
  }

  @Test func linksToFilesUseTheirAddressAndTheMessageEndsWithThePressKit() throws {
    try fixtures.jpeg("Releases/photo.jpg", width: 800, height: 600)
    try fixtures.pdf("Releases/report.pdf", size: 2100)
    let composed = try fixtures.compose("![A photo](photo.jpg)\n\nRead [the report](report.pdf).\n")
    let report = try #require(composed.media.items["report.pdf"])
    #expect(report.file.kind == .document && report.file.mediaType == "application/pdf" && report.file.size == 2100)
    // A document is published as it is.
    #expect(try Data(contentsOf: fixtures.media.url(of: report.file)) == Data(contentsOf: fixtures.url("Releases/report.pdf")))
    let site = Fixtures.settings.site
    let reportURL = site.url(.releaseFile(slug: "release", file: report.file))
    let photoURL = site.url(.releaseFile(slug: "release", file: try #require(composed.media.items["photo.jpg"]).file))
    let zipURL = site.url(.pressKit(slug: "release"))
    let parts = composed.personalisedParts(for: Fixtures.alex, list: "press-en")
    #expect(parts.html.contains("<a href=\"\(reportURL)\""))
    #expect(parts.html.contains("Press kit</h2>"))
    #expect(parts.html.contains(">photo.jpg</a> (JPEG image, "))
    #expect(parts.html.contains("<a href=\"\(reportURL)\" style=\"color:#0b5cad;text-decoration:underline;\">report.pdf</a> (PDF, 2.1 KB)"), "\(parts.html)")
    #expect(parts.html.contains("<a href=\"\(zipURL)\"") && parts.html.contains("Download everything (ZIP)"))
    #expect(parts.text.contains("Press kit\n---------\n- photo.jpg (JPEG image, "), "\(parts.text)")
    #expect(parts.text.contains("- report.pdf (PDF, 2.1 KB): \(reportURL)\nDownload everything (ZIP): \(zipURL)"), "\(parts.text)")
    #expect(parts.text.contains(photoURL))
    // What is published: both listed files and the photo's rendition, not listed.
    #expect(composed.media.publishedFiles.map(\.kind) == [.image, .rendition, .document])
    #expect(composed.media.listedFiles.map(\.name) == ["photo.jpg", "report.pdf"])
    // The fast path (compiled skeletons) writes exactly what Mustache writes.
    let message = String(decoding: composed.message(for: Fixtures.alex, list: "press-en", stamp: .fixed).bytes, as: UTF8.self)
    #expect(message.contains("multipart/alternative") && !message.contains("multipart/related"))
  }

  @Test func aFileThatIsASymbolicLinkIsStoredAsItsBytes() throws {
    try fixtures.pdf("Shared/report.pdf", size: 1200)
    try FileManager.default.createSymbolicLink(atPath: fixtures.url("Releases/report.pdf").path, withDestinationPath: "../Shared/report.pdf")
    let composed = try fixtures.compose("[Report](report.pdf)\n")
    let stored = fixtures.media.url(of: try #require(composed.media.items["report.pdf"]).file)
    let attributes = try FileManager.default.attributesOfItem(atPath: stored.path)
    #expect(attributes[.type] as? FileAttributeType == .typeRegular)
    #expect(try Data(contentsOf: stored).count == 1200)
  }

  @Test func aReleaseWithoutFilesHasNoPressKit() throws {
    let composed = try fixtures.compose("Just text, and [a site](https://example.org).\n")
    let parts = composed.personalisedParts(for: Fixtures.alex, list: "press-en")
    #expect(!parts.html.contains("Press kit") && !parts.text.contains("Press kit"))
    #expect(composed.media.publishedFiles.isEmpty)
  }

  @Test func inlineImagesAreRelatedToTheHTMLAndAttachmentsAreMixedIn() throws {
    try fixtures.jpeg("Releases/photo.jpg", width: 1400, height: 1000)
    try fixtures.pdf("Releases/Bericht März.pdf", size: 5000)
    var settings = Fixtures.settings
    settings.media.images = .inline
    let composed = try fixtures.compose("![A photo](photo.jpg \"Caption — Photo: Name\")\n", frontMatter: "attach: [\"Bericht März.pdf\"]\n", settings: settings)
    let bytes = composed.message(for: Fixtures.alex, list: "press-en", stamp: .fixed).bytes
    let tree = try MIMETree(bytes)
    #expect(tree.defects.isEmpty, "\(tree.defects)")
    #expect(tree.tree == "multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,image/jpeg)),application/pdf)", "\(tree.tree)")
    let image = try #require(tree.parts.first { $0.content_type == "image/jpeg" })
    let rendition = try #require(composed.media.items["photo.jpg"]?.rendition)
    #expect(image.sha256 == rendition.digest && image.disposition == "inline")
    #expect(tree.html_cids == [try #require(image.content_id)])
    let attachment = try #require(tree.parts.first { $0.content_type == "application/pdf" })
    #expect(attachment.disposition == "attachment" && attachment.filename == "Bericht März.pdf" && attachment.size == 5000)
    #expect(String(decoding: bytes, as: UTF8.self).contains("filename*=utf-8''Bericht%20M%C3%A4rz.pdf"))
    for part in [image, attachment] { #expect(part.transfer_encoding == "base64" && part.max_line == 76) }
    // Check warns that attachments cost deliverability, at the attach: line.
    let warnings = problems(composed, .warning)
    #expect(warnings.contains { $0.line == 6 && $0.message.contains("attachments") && $0.message.contains("spam") }, "\(warnings)")
    // The parts are encoded once: a second recipient's message carries the same bytes.
    let other = composed.message(for: Recipient(mailbox: Mailbox(name: "B", address: "b@example.com")), list: "press-en", stamp: .fixed).bytes
    #expect(try MIMETree(other).parts.map(\.sha256).suffix(2) == tree.parts.map(\.sha256).suffix(2))
  }

  @Test func aMessageWithAnAttachmentVerifiesWithDKIM() throws {
    try fixtures.jpeg("Releases/photo.jpg", width: 300, height: 200)
    try fixtures.pdf("Releases/report.pdf", size: 40_000)
    var settings = Fixtures.settings
    settings.media.images = .inline
    let composed = try fixtures.compose("![A photo](photo.jpg)\n", frontMatter: "attach: [report.pdf]\n", settings: settings)
    let message = composed.message(for: Fixtures.alex, list: "press-en", stamp: .now())
    let key = try DKIMKey.generate(.rsa)
    let signed = try DKIMSigner(domain: "example.org", selector: "herald", key: key).sign(message.bytes, at: Date())
    let verdict = try PythonOracle.verifyDKIM(message: signed, txtRecord: key.dnsRecord)
    #expect(verdict.valid, "\(verdict.log)")
  }

  @Test func aMessageOverTwoMegabytesIsAWarningAndOverTenAnError() throws {
    try fixtures.write("Releases/data.zip", [0x50, 0x4B, 0x03, 0x04] + MediaFixtures.noise(1_800_000))
    try fixtures.write("Releases/huge.zip", [0x50, 0x4B, 0x03, 0x04] + MediaFixtures.noise(8_000_000))
    let warned = try fixtures.compose("Data.\n", frontMatter: "attach: [data.zip]\n")
    #expect(warned.estimatedMessageSize > 2_000_000)
    #expect(problems(warned, .warning).contains { $0.message.contains("more than 2 MB") }, "\(problems(warned, .warning))")
    #expect(problems(warned, .error).isEmpty)
    let refused = try fixtures.compose("Data.\n", frontMatter: "attach: [huge.zip]\n")
    #expect(problems(refused, .error).contains { $0.line == 6 && $0.message.contains("more than 10 MB") }, "\(problems(refused, .error))")
  }
}

struct MediaTypeTests {
  @Test func typesAreRecognisedByTheirContent() {
    #expect(MediaType.sniff([0xFF, 0xD8, 0xFF, 0xE0], fileName: "x.pdf") == .jpeg)
    #expect(MediaType.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], fileName: "x") == .png)
    #expect(MediaType.sniff(Array("GIF89a..".utf8), fileName: "x") == .gif)
    #expect(MediaType.sniff(Array("RIFF\0\0\0\0WEBPVP8 ".utf8), fileName: "x") == .webp)
    #expect(MediaType.sniff(Array("%PDF-1.7".utf8), fileName: "x") == .pdf)
    #expect(MediaType.sniff([0, 0, 0, 0x20] + Array("ftypisom".utf8), fileName: "x") == .mp4)
    #expect(MediaType.sniff(Array("ID3\u{3}".utf8), fileName: "x") == .mp3)
    #expect(MediaType.sniff([0x50, 0x4B, 0x03, 0x04, 0, 0], fileName: "a.docx") == .docx)
    #expect(MediaType.sniff([0x50, 0x4B, 0x03, 0x04, 0, 0], fileName: "a.xlsx") == .xlsx)
    #expect(MediaType.sniff([0x50, 0x4B, 0x03, 0x04] + Array("....mimetypeapplication/vnd.oasis.opendocument.text".utf8), fileName: "a.odt") == .odt)
    #expect(MediaType.sniff([0x50, 0x4B, 0x03, 0x04, 0, 0], fileName: "a.zip") == .zip)
    #expect(MediaType.sniff(Array("city,loss\nBerlin,12\n".utf8), fileName: "a.csv") == .csv)
    #expect(MediaType.sniff(Array("<?xml version=\"1.0\"?>\n<svg>".utf8), fileName: "a.png") == .svg)
    #expect(MediaType.sniff([0x00, 0x13, 0x37], fileName: "a.bin") == nil)
    // A text cut inside a character is still text.
    #expect(MediaType.sniff(Array("Zürich,1\n".utf8) + [0xC3], fileName: "a.csv") == .csv)
  }

  @Test func namesGiveTheExpectedType() {
    #expect(MediaType.named("Photo.JPEG") == .jpeg)
    #expect(MediaType.named("logo.svg") == .svg)
    #expect(MediaType.named("notes.txt") == nil)
  }
}

struct ImageMetadataTests {
  @Test func theExifBlockMadeForAPublishedPhotoReadsBack() throws {
    let kept = ImageMetadata(artist: "Jane Example", copyright: "© Institute for Example Studies")
    let block = try #require(kept.exifBlock())
    let read = ImageMetadata(exif: block, xmp: nil, iptc: nil)
    #expect(read.artist == "Jane Example" && read.copyright == "© Institute for Example Studies")
    #expect(ImageMetadata().exifBlock() == nil && ImageMetadata().xmpPacket() == nil)
  }

  @Test func creditAndRightsAreReadFromXMPInEitherForm() {
    let packet = Array("""
      <x:xmpmeta><rdf:RDF><rdf:Description photoshop:Credit="Photo: A &amp; B">\
      <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© Example</rdf:li></rdf:Alt></dc:rights></rdf:Description></rdf:RDF></x:xmpmeta>
      """.utf8)
    let read = ImageMetadata(exif: nil, xmp: packet, iptc: nil)
    #expect(read.credit == "Photo: A & B" && read.rights == "© Example")
    let written = ImageMetadata(exif: nil, xmp: read.xmpPacket(), iptc: nil)
    #expect(written.credit == "Photo: A & B" && written.rights == "© Example")
  }

  @Test func iptcBylineCreditAndCopyrightAreRead() {
    func dataset(_ number: UInt8, _ text: String) -> [UInt8] {
      let bytes = Array(text.utf8)
      return [0x1C, 2, number, 0, UInt8(bytes.count)] + bytes
    }
    let block = Array("Photoshop 3.0\0".utf8) + dataset(80, "Jane") + dataset(110, "Agency") + dataset(116, "© 2026")
    let read = ImageMetadata(exif: nil, xmp: nil, iptc: block)
    #expect(read.byline == "Jane" && read.credit == "Agency" && read.rights == "© 2026")
  }
}
