import Foundation
import HeraldMail
import Mustache

/// A release rendered once and ready to be personalised per recipient: the Markdown is
/// parsed and rendered to HTML and text a single time, the templates are compiled, the
/// release-level values are computed; `message(for:list:stamp:)` then only fills in the
/// recipient and encodes. It is immutable and can be used from many threads at once.
// @unchecked: the [String: Any] values hold only Strings and dictionaries of Strings.
public struct ComposedRelease: @unchecked Sendable {
  /// The release.
  public let release: Release
  /// The workspace configuration it was composed with.
  public let configuration: Configuration
  /// The parsed body, for checks and previews.
  public let document: MarkdownDocument

  private let htmlTemplate: MustacheTemplate
  private let textTemplate: MustacheTemplate
  private let htmlLibrary: MustacheLibrary
  private let textLibrary: MustacheLibrary
  private let signer: LinkSigner
  private let releaseValues: [String: Any]
  private let organizationValues: [String: Any]
  private let from: Mailbox
  private let replyTo: Mailbox?
  private let unsubscribeMailto: String

  /// Composes a release with its workspace's templates.
  /// - Parameters:
  ///   - release: The release.
  ///   - templates: The HTML and text templates.
  ///   - configuration: herald.yml.
  ///   - signer: Signs unsubscribe links with the workspace secret.
  /// - Throws: `ComposeError` `.release` when the body's template tags are malformed.
  public init(release: Release, templates: ReleaseTemplates, configuration: Configuration, signer: LinkSigner) throws {
    self.release = release
    self.configuration = configuration
    self.signer = signer

    // The body may use Mustache tags ({{subscriber.name}}); check them against the
    // release file's own lines before they are buried in rendered HTML.
    do {
      _ = try MustacheTemplate(string: release.body)
    } catch let error as MustacheTemplate.ParserError {
      throw ComposeError(.release, file: release.file, line: release.bodyFirstLine + error.context.lineNumber - 1,
        "the template tags in the text are malformed (\(error.error)); every {{#name}} needs a matching {{/name}}, and tags are written {{name}}")
    }

    var document = MarkdownDocument(parsing: release.body, firstLine: release.bodyFirstLine)
    if let dateline = release.dateline, !dateline.isEmpty {
      document.prependDateline(dateline)
    }
    self.document = document

    let bodyHTML = HTMLRenderer(allowRawHTML: configuration.allowRawHTML).render(document)
    let bodyText = TextRenderer().render(document)
    do {
      var htmlLibrary = MustacheLibrary()
      htmlLibrary.register(try MustacheTemplate(string: bodyHTML), named: "body")
      var textLibrary = MustacheLibrary()
      textLibrary.register(try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + bodyText), named: "body")
      self.htmlLibrary = htmlLibrary
      self.textLibrary = textLibrary
    } catch let error as MustacheTemplate.ParserError {
      throw ComposeError(.release, file: release.file,
        "the rendered body has malformed template tags (\(error.error)) near “\(error.context.line)”")
    }
    self.htmlTemplate = templates.html
    self.textTemplate = templates.text

    self.from = release.from ?? configuration.from
    self.replyTo = release.replyTo ?? configuration.replyTo
    self.unsubscribeMailto = configuration.unsubscribeAddress
    let title = release.title
    var releaseValues: [String: Any] = [
      "title": title,
      "title_underline": String(repeating: "=", count: min(title.count, 72)),
      "subject": release.subject,
      "date": release.date.longForm,
      "date_iso": release.date.description,
      "slug": release.slug,
      "language": release.language ?? "en",
      "url": "\(configuration.baseURL)/releases/\(release.slug)",
    ]
    if let dateline = release.dateline { releaseValues["dateline"] = dateline }
    if let summary = release.summary, !summary.isEmpty { releaseValues["summary"] = summary }
    self.releaseValues = releaseValues
    self.organizationValues = [
      "name": configuration.organization,
      "postal_address": configuration.postalAddress,
      "base_url": configuration.baseURL,
    ]
  }

  /// The message for one recipient.
  /// - Parameters:
  ///   - recipient: Who it is for.
  ///   - list: The list it is sent through, named in List-Id and the unsubscribe link.
  ///   - stamp: Its date and unique token.
  public func message(for recipient: Recipient, list: String, stamp: MessageStamp) -> ComposedMessage {
    let token = signer.token(purpose: "unsubscribe", fields: [recipient.mailbox.address.lowercased(), list])
    let unsubscribeURL = "\(configuration.baseURL)/unsubscribe/\(token)"
    let context: [String: Any] = [
      "release": releaseValues,
      "organization": organizationValues,
      "subscriber": recipient.templateValues,
      "list": ["name": list],
      "unsubscribe_url": unsubscribeURL,
      "preheader_padding": Self.preheaderPadding,
    ]
    let html = htmlTemplate.render(context, library: htmlLibrary)
    let text = textTemplate.render(context, library: textLibrary)

    let messageID = MessageID(
      release: release.slug, recipient: signer.recipientKey(for: recipient.mailbox.address),
      unique: stamp.unique, domain: from.domain)
    var header = MessageHeader()
    header.append("From", .mailboxes([from]))
    header.append("To", .mailboxes([recipient.mailbox]))
    if let replyTo { header.append("Reply-To", .mailboxes([replyTo])) }
    header.append("Subject", .text(release.subject))
    header.append("Date", .raw(MailDate.format(stamp.date, in: configuration.timeZone)))
    header.append("Message-ID", .raw(messageID.description))
    if let language = release.language { header.append("Content-Language", .raw(language)) }
    header.append("List-Id", .raw("<\(MessageID.atomText(list)).\(from.domain)>"))
    header.append("List-Unsubscribe", .raw("<\(unsubscribeURL)>, <mailto:\(unsubscribeMailto)?subject=unsubscribe%20\(token)>"))
    header.append("List-Unsubscribe-Post", .raw("List-Unsubscribe=One-Click"))

    let body = MIMEPart.multipart(
      subtype: "alternative", boundary: MIMEPart.boundary(token: stamp.unique),
      parts: [.text(subtype: "plain", content: Array(text.utf8)), .text(subtype: "html", content: Array(html.utf8))])
    let bytes = Message(header: header, body: body).encoded()
    return ComposedMessage(bytes: bytes, messageID: messageID, recipient: recipient.mailbox, html: html, text: text)
  }

  /// Invisible characters after the preheader, so inboxes do not fill the preview line
  /// with the start of the body.
  static let preheaderPadding = String(repeating: "&#847;&zwnj;&nbsp;", count: 60)
}

extension MarkdownDocument {
  /// Opens the first paragraph with the dateline, as in print: "BERLIN, 31 March 2020 — …".
  mutating func prependDateline(_ dateline: String) {
    if case .paragraph(let inlines, let line)? = blocks.first {
      blocks[0] = .paragraph([.text(dateline + " — ")] + inlines, line: line)
    } else {
      blocks.insert(.paragraph([.text(dateline)], line: 0), at: 0)
    }
  }
}
