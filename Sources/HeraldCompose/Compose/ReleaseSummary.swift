import HeraldMail

/// What a release comes to as composed for one recipient, for a preview: its parts and
/// how each is encoded, and its links, those that lead somewhere and the placeholders
/// ("#", or empty) that are sent as plain text.
package struct ReleaseSummary: Sendable, Equatable {
  /// One text part of the message.
  package struct Part: Sendable, Equatable {
    /// "text/plain" or "text/html".
    package var contentType: String
    /// How it is encoded in the message.
    package var transferEncoding: MIMEPart.TransferEncoding
    /// Its size in bytes, before transfer encoding.
    package var size: Int

    /// Makes a part's summary.
    package init(contentType: String, transferEncoding: MIMEPart.TransferEncoding, size: Int) {
      self.contentType = contentType
      self.transferEncoding = transferEncoding
      self.size = size
    }
  }

  /// The parts, in the message's order: plain text, then HTML.
  package var parts: [Part]
  /// Links in the body that lead somewhere.
  package var links: Int
  /// Links in the body whose destination is a placeholder: sent as plain text.
  package var placeholderLinks: Int

  /// Makes a summary.
  package init(parts: [Part], links: Int, placeholderLinks: Int) {
    self.parts = parts
    self.links = links
    self.placeholderLinks = placeholderLinks
  }
}

extension ComposedRelease {
  /// The summary of the release as composed for `recipient` on `list`.
  package func summary(for recipient: Recipient, list: String) -> ReleaseSummary {
    let (html, text) = personalisedParts(for: recipient, list: list)
    let parts = [("text/plain", Array(text.utf8)), ("text/html", Array(html.utf8))].map { type, bytes in
      ReleaseSummary.Part(contentType: type, transferEncoding: MIMEPart.transferEncoding(for: bytes), size: bytes.count)
    }
    var links = 0
    var placeholders = 0
    document.forEachInline { inline in
      guard case .link(let destination, _, _, _) = inline else { return }
      if MarkdownInline.isPlaceholder(destination: destination) { placeholders += 1 } else { links += 1 }
    }
    return ReleaseSummary(parts: parts, links: links, placeholderLinks: placeholders)
  }
}
