import Foundation
import HeraldCore
import HeraldMail
import Mustache

/// A release rendered once and ready to be personalised per recipient.
///
/// The Markdown is parsed and rendered to HTML and text a single time, the templates are
/// compiled, and the header fields that are the same for everyone are encoded once. For
/// each combination of recipient values present (a "signature": has a name, has an
/// organisation…) the templates are rendered once more with markers in place of the
/// values, and the lines that do not depend on the recipient are encoded once. A message
/// is then the recipient's values filled in and a few lines encoded. The first message of
/// each signature is also rendered by Mustache in full and compared, so the fast path can
/// only ever produce what Mustache would.
///
/// It is immutable apart from that cache, and can be used from many threads at once.
// @unchecked: the [String: Any] values hold only Strings and dictionaries of Strings;
// the cache is a Mutex.
package struct ComposedRelease: @unchecked Sendable {
  /// The release.
  package let release: Release
  /// The organisation's settings it was composed with (herald.yml).
  package let settings: ComposeSettings
  /// The parsed body, for checks and previews.
  package let document: MarkdownDocument
  /// Whether the body already begins with the front matter's dateline (then it is not
  /// added again, and `herald check` says so).
  package let datelineInBody: Bool
  /// Herald's own words in the release's language (`{{strings.KEY}}` in the templates).
  package let strings: StringsTable
  /// The files the release uses (photos, documents, attachments), ready to publish.
  package let media: ReleaseMedia
  /// The embedded images (`images: inline`) and the attachments, encoded once.
  let inlineImageParts: [MIMEPart]
  let attachedFileParts: [MIMEPart]

  private let htmlTemplate: MustacheTemplate
  private let textTemplate: MustacheTemplate
  private let htmlLibrary: MustacheLibrary
  private let textLibrary: MustacheLibrary
  /// The body for the archive's web page: styled by its stylesheet, not inline.
  private let webBody: MustacheTemplate
  private let textBody: MustacheTemplate
  private let signer: LinkSigner
  /// The values that are the same for every recipient, for the HTML template…
  private let baseContext: [String: Any]
  /// …and for the text template, whose title is wrapped at the text's width.
  private let textBaseContext: [String: Any]
  private let slug: String
  private let from: Mailbox
  private let fromDomain: String
  private let rewrapsText: Bool
  private var skeletons = SkeletonCache()
  private let fromField: MessageHeader.Value
  private let replyToField: MessageHeader.Value?
  private var subjectField: MessageHeader.Value
  /// How this copy is marked as embargoed; nil for the ordinary release.
  package private(set) var embargoMarking: EmbargoMarking?
  private let languageField: MessageHeader.Value?
  private let unsubscribePostField: MessageHeader.Value
  private let autoResponseField: MessageHeader.Value

  /// Composes a release with its workspace's templates.
  /// - Parameters:
  ///   - release: The release.
  ///   - templates: The HTML and text templates.
  ///   - settings: The organisation's settings (herald.yml).
  ///   - signer: Signs unsubscribe links with the workspace secret.
  ///   - strings: Herald's words in the release's language; English by default.
  ///   - mediaFolder: The workspace's Media/ folder, where the release's files are made and
  ///     kept; without one, relative references are written as they are (and not checked).
  /// - Throws: `ComposeError` `.release` when the body's template tags are malformed.
  package init(
    release: Release, templates: ReleaseTemplates, settings: ComposeSettings, signer: LinkSigner, strings: StringsTable? = nil,
    mediaFolder: MediaFolder? = nil
  ) throws {
    self.release = release
    self.strings = strings ?? StringsCatalog.english.table(for: "en")
    self.settings = settings
    self.signer = signer
    self.slug = release.slug

    // The body may use Mustache tags ({{subscriber.name}}); check them against the
    // release file's own lines before they are buried in rendered HTML.
    do {
      _ = try MustacheTemplate(string: release.body)
    } catch let error as MustacheTemplate.ParserError {
      // An unclosed section is noticed at the end of the text; point at its opening tag.
      let line = (error.error as? MustacheTemplate.Error) == .expectedSectionEnd
        ? ReleaseChecker.unclosedSectionLine(in: release.body) ?? error.context.lineNumber : error.context.lineNumber
      throw ComposeError(.release, file: release.file, line: release.bodyFirstLine + line - 1,
        "the template tags in the text are malformed: \(ReleaseTemplates.describe(error.error)). Every {{#name}} needs a matching {{/name}}, and values are written {{name}}")
    }

    var document = MarkdownDocument(parsing: release.body, firstLine: release.bodyFirstLine)
    // A release pasted from a word processor often begins with its dateline already.
    self.datelineInBody = release.dateline.map { document.beginsWith(dateline: $0) } ?? false
    if let dateline = release.dateline, !dateline.isEmpty, !datelineInBody {
      document.prependDateline(dateline)
    }
    self.document = document

    let from = release.from ?? settings.from
    let media = mediaFolder.map { ReleaseMedia(release: release, document: document, folder: $0, settings: settings.media) } ?? ReleaseMedia()
    self.media = media
    let inline = settings.media.images == .inline
    let published = Self.references(media, site: settings.site, slug: release.slug, contentIDDomain: inline ? from.domain : nil)
    let web = Self.references(media, site: settings.site, slug: release.slug, contentIDDomain: nil)
    if inline {
      var seen: Set<String> = []
      var parts: [MIMEPart] = []
      for item in media.order.compactMap({ media.items[$0] }) {
        guard let mediaFolder, let rendition = item.rendition, seen.insert(rendition.digest).inserted,
          let bytes = FileManager.default.contents(atPath: mediaFolder.url(of: rendition).path)
        else { continue }
        parts.append(.prepared(PreparedPart(
          mediaType: rendition.mediaType, content: bytes, fileName: rendition.name,
          contentID: Self.contentID(rendition, domain: from.domain), disposition: .inline)))
      }
      self.inlineImageParts = parts
    } else {
      self.inlineImageParts = []
    }
    self.attachedFileParts = media.attachments.compactMap { item in
      guard let bytes = mediaFolder.flatMap({ FileManager.default.contents(atPath: $0.url(of: item.file).path) }) else { return nil }
      return .prepared(PreparedPart(mediaType: item.file.mediaType, content: bytes, fileName: item.file.name, disposition: .attachment))
    }

    let bodyHTML = HTMLRenderer(allowRawHTML: settings.allowRawHTML, resolved: published).render(document)
    let bodyText = TextRenderer(resolved: published).render(document)
    self.rewrapsText = bodyText.contains(TextRenderer.deferredStart)
    do {
      var htmlLibrary = MustacheLibrary()
      htmlLibrary.register(try MustacheTemplate(string: bodyHTML), named: "body")
      var textLibrary = MustacheLibrary()
      let textBody = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + bodyText)
      textLibrary.register(textBody, named: "body")
      self.htmlLibrary = htmlLibrary
      self.textLibrary = textLibrary
      self.textBody = textBody
      self.webBody = try MustacheTemplate(string: HTMLRenderer(allowRawHTML: settings.allowRawHTML, inlineStyles: false, resolved: web).render(document))
    } catch let error as MustacheTemplate.ParserError {
      throw ComposeError(.release, file: release.file,
        "the rendered body has malformed template tags (\(ReleaseTemplates.describe(error.error))) near “\(error.context.line)”")
    }
    self.htmlTemplate = templates.html
    self.textTemplate = templates.text

    self.from = from
    self.fromDomain = from.domain
    let title = release.title
    var releaseValues: [String: Any] = [
      "title": title,
      "title_underline": String(repeating: "=", count: title.count),
      "subject": release.subject,
      "date": release.date.longForm(in: release.language),
      "date_iso": release.date.description,
      "slug": release.slug,
      "language": release.language ?? "en",
      "url": settings.site.url(release.page),
    ]
    if let dateline = release.dateline { releaseValues["dateline"] = dateline }
    if let summary = release.summary, !summary.isEmpty { releaseValues["summary"] = summary }
    let organization: [String: Any] = [
      "name": settings.organization,
      "postal_address": settings.postalAddress ?? "",
      "base_url": settings.baseURL,
    ]
    let words = self.strings.values
    var baseContext: [String: Any] = ["release": releaseValues, "organization": organization, "preheader_padding": Self.preheaderPadding, "strings": words]
    if let pressKit = Self.pressKitValues(media, site: settings.site, slug: release.slug) { baseContext["press_kit"] = pressKit }
    self.baseContext = baseContext
    // In the plain text, a long title is wrapped like a paragraph and underlined to its
    // longest line, as headings in the body are.
    let titleLines = TextRenderer.wrap(title, width: TextRenderer().width)
    var textRelease = releaseValues
    textRelease["title"] = titleLines.joined(separator: "\n")
    textRelease["title_underline"] = String(repeating: "=", count: titleLines.map(\.count).max() ?? 0)
    var textBaseContext = baseContext
    textBaseContext["release"] = textRelease
    self.textBaseContext = textBaseContext

    // The fields that are the same in every message, encoded once.
    self.fromField = MessageHeader.encodedField("From", .mailboxes([from]))
    self.replyToField = (release.replyTo ?? settings.replyTo).map { MessageHeader.encodedField("Reply-To", .mailboxes([$0])) }
    self.subjectField = MessageHeader.encodedField("Subject", .text(release.subject))
    self.languageField = release.language.map { MessageHeader.encodedField("Content-Language", .raw($0)) }
    self.unsubscribePostField = MessageHeader.encodedField("List-Unsubscribe-Post", .raw("List-Unsubscribe=One-Click"))
    self.autoResponseField = MessageHeader.encodedField("X-Auto-Response-Suppress", .raw("OOF, AutoReply"))
  }

  /// The same release as an embargoed copy: the embargo in the subject and as a banner at
  /// the top of both parts, as `marking` says it for one reader's zone.
  package func embargoed(_ marking: EmbargoMarking) -> ComposedRelease {
    var copy = self
    copy.embargoMarking = marking
    copy.skeletons = SkeletonCache()  // the parts differ: their compiled forms too
    copy.subjectField = MessageHeader.encodedField("Subject", .text(marking.subject(release.subject)))
    return copy
  }

  /// The subject as the messages carry it (with the embargo, in an embargoed copy).
  package var subject: String { embargoMarking.map { $0.subject(release.subject) } ?? release.subject }

  /// The message for one recipient.
  /// - Parameters:
  ///   - recipient: Who it is for.
  ///   - list: The list it is sent through, named in List-Id and the unsubscribe link.
  ///   - stamp: Its date and unique token.
  ///   - testCopyTo: for a test copy, the address it goes to instead: the recipient's
  ///     message, to that address, its subject marked “[TEST]”, its Message-ID of kind
  ///     `.testCopy`, and without List-Unsubscribe (whose one-click button would
  ///     unsubscribe the recipient).
  package func message(for recipient: Recipient, list: String, stamp: MessageStamp, testCopyTo: Mailbox? = nil) -> ComposedMessage {
    let token = signer.unsubscribeToken(subscriber: recipient.linkSubject, list: list)
    let unsubscribeURL = settings.site.url(.unsubscribe(token: token))
    let values = PersonalValues(recipient: recipient, list: list, unsubscribeURL: unsubscribeURL)
    let parts: [MIMEPart]
    if let compiled = compiledParts(for: values) {
      parts = [compiled.text.part(values.values), compiled.html.part(values.values)]
    } else {
      let rendered = render(values)
      parts = [.text(subtype: "plain", content: Array(rendered.text.utf8)), .text(subtype: "html", content: Array(rendered.html.utf8))]
    }

    let messageID = testCopyTo == nil
      ? MessageID(release: slug, recipient: signer.recipientKey(for: recipient.mailbox.address), unique: stamp.unique, domain: fromDomain)
      : MessageID(kind: .testCopy, unique: stamp.unique, domain: fromDomain)
    var header = MessageHeader()
    header.append("From", fromField)
    header.append("To", .mailboxes([testCopyTo ?? recipient.mailbox]))
    if let replyToField { header.append("Reply-To", replyToField) }
    header.append("Subject", testCopyTo == nil ? subjectField : MessageHeader.encodedField("Subject", .text(Self.testCopyMark + release.subject)))
    header.append("Date", .raw(MailDate.format(stamp.date, in: settings.timeZone)))
    header.append("Message-ID", .raw(messageID.description))
    if let languageField { header.append("Content-Language", languageField) }
    header.append("List-Id", .raw("<\(MessageID.atomText(list)).\(fromDomain)>"))
    if testCopyTo == nil {
      header.append("List-Unsubscribe", .raw("<\(unsubscribeURL)>, <mailto:\(settings.unsubscribeAddress)?subject=unsubscribe%20\(token)>"))
      header.append("List-Unsubscribe-Post", unsubscribePostField)
    }
    // Asks Exchange and Outlook not to answer a bulk message with an out-of-office reply.
    header.append("X-Auto-Response-Suppress", autoResponseField)

    let body = mimeBody(parts, token: stamp.unique)
    // Room for the whole message up front: growing a 12 kB array by doubling copies it
    // about ten times.
    var bytes: [UInt8] = []
    bytes.reserveCapacity(parts.reduce(2048) { $0 + $1.estimatedSize })
    Message(header: header, body: body).encode(into: &bytes)
    return ComposedMessage(bytes: bytes, messageID: messageID, recipient: testCopyTo ?? recipient.mailbox)
  }

  /// What a test copy's subject begins with.
  package static let testCopyMark = "[TEST] "

  /// The personalised HTML and text for one recipient, before transfer encoding: what
  /// `message(for:list:stamp:)` puts in its two parts.
  package func personalisedParts(for recipient: Recipient, list: String) -> (html: String, text: String) {
    let token = signer.unsubscribeToken(subscriber: recipient.linkSubject, list: list)
    let values = PersonalValues(recipient: recipient, list: list, unsubscribeURL: settings.site.url(.unsubscribe(token: token)))
    if let compiled = compiledParts(for: values) {
      return (compiled.html.text(values.values), compiled.text.text(values.values))
    }
    return render(values)
  }

  /// A full Mustache render with the real values.
  /// The release as the public archive shows it: the body as HTML for a page styled by a
  /// stylesheet (no inline styles, which a strict Content-Security-Policy blocks) and as
  /// text, rendered for no one: a `{{#subscriber.name}}` section is left out, so nothing
  /// personal is in it.
  package func publicBody() -> (html: String, text: String) {
    (webBody.render(baseContext), textBody.render(textBaseContext))
  }

  private func render(_ values: PersonalValues) -> (html: String, text: String) {
    let html = htmlTemplate.render(values.context(base: baseContext, markers: false), library: htmlLibrary)
    var text = textTemplate.render(values.context(base: textBaseContext, markers: false), library: textLibrary)
    if rewrapsText { text = TextRenderer.rewrapPersonalised(text) }
    return (marked(html: html), marked(text: text))
  }

  /// An embargoed copy's banner on top of a rendered part; the part as it is otherwise.
  private func marked(html: String) -> String { embargoMarking.map { $0.marking(html: html) } ?? html }
  private func marked(text: String) -> String { embargoMarking.map { $0.marking(text: text) } ?? text }

  /// The compiled parts for the values' signature, made and checked on first use.
  private func compiledParts(for values: PersonalValues) -> (html: EncodedPartTemplate, text: EncodedPartTemplate)? {
    skeletons.entry(for: values.signature) {
      let html = EncodedPartTemplate(
        subtype: "html", skeleton: Skeleton(rendered: marked(html: htmlTemplate.render(values.context(base: baseContext, markers: true), library: htmlLibrary))),
        rewraps: false)
      let text = EncodedPartTemplate(
        subtype: "plain", skeleton: Skeleton(rendered: marked(text: textTemplate.render(values.context(base: textBaseContext, markers: true), library: textLibrary))),
        rewraps: rewrapsText)
      let real = render(values)
      let reproduces = html.text(values.values) == real.html && text.text(values.values) == real.text
      return SkeletonCache.Entry(parts: reproduces ? (html, text) : nil)
    }.parts
  }

  /// Invisible characters after the preheader, so inboxes do not fill the preview line
  /// with the start of the body.
  static let preheaderPadding = String(repeating: "&#847;&zwnj;&nbsp;", count: 60)
}

extension MarkdownDocument {
  /// Whether the first paragraph already starts with `dateline`, compared by its letters
  /// and digits only ("Berlin, March 31, 2020 –" matches "BERLIN, March 31, 2020").
  func beginsWith(dateline: String) -> Bool {
    guard case .paragraph(let inlines, _)? = blocks.first else { return false }
    func key(_ text: String) -> String {
      String(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
    let wanted = key(dateline)
    return !wanted.isEmpty && key(String(MarkdownInline.plainText(inlines).prefix(dateline.count * 2 + 8))).hasPrefix(wanted)
  }

  /// The lines of the top-level headings whose text is the title (compared by letters
  /// and digits): the email shows the title above the body, so such a heading shows twice.
  func headingsRepeating(title: String) -> [Int] {
    func key(_ text: String) -> String {
      String(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
    let wanted = key(title)
    guard !wanted.isEmpty else { return [] }
    return blocks.compactMap { block in
      guard case .heading(_, let inlines, let line) = block, key(MarkdownInline.plainText(inlines)) == wanted else { return nil }
      return line
    }
  }

  /// The line of the first paragraph, when the body starts with one.
  var firstParagraphLine: Int? {
    guard case .paragraph(_, let line)? = blocks.first else { return nil }
    return line
  }

  /// Opens the first paragraph with the dateline, as in print: "BERLIN, 31 March 2020 — …".
  mutating func prependDateline(_ dateline: String) {
    if case .paragraph(let inlines, let line)? = blocks.first {
      blocks[0] = .paragraph([.text(dateline + " — ")] + inlines, line: line)
    } else {
      blocks.insert(.paragraph([.text(dateline)], line: 0), at: 0)
    }
  }
}
