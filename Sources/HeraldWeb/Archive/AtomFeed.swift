import Foundation
import HeraldCore
import HeraldStore

/// The archive as an Atom feed (RFC 4287): the feed's id, title, updated, author and
/// `link rel="self"`; each release an entry with its id, title, updated (its publication
/// time), link and content (its HTML, escaped).
enum AtomFeed {
  /// The feed of `publications` (the visible ones, newest first): the site's feed, or with
  /// `language` the feed of one language (/LANG/feed.atom, `xml:lang`, its own title).
  static func xml(
    _ publications: [Publication], organization: String, site: PublicSite, updated: Date, language: String? = nil, title: String? = nil
  ) -> String {
    let time = ISO8601DateFormatter()
    let feed = language.map { PublicPage.languageFeed(language: $0) } ?? .feed
    let id = language.map { site.url(.home) + "#" + $0 } ?? site.url(.home)
    var xml = """
      <?xml version="1.0" encoding="utf-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom"\(language.map { " xml:lang=\"\(escape($0))\"" } ?? "")>
        <id>\(escape(id))</id>
        <title>\(escape(organization)): \(escape(title ?? "press releases"))</title>
        <updated>\(time.string(from: publications.first?.visibleFrom ?? updated))</updated>
        <author><name>\(escape(organization))</name></author>
        <link rel="self" type="application/atom+xml" href="\(escape(site.url(feed)))"/>
        <link rel="alternate" type="text/html" href="\(escape(site.url(.home)))"/>

      """
    for publication in publications {
      let url = site.url(Archive.page(of: publication))
      xml += """
          <entry>
            <id>\(escape(url))</id>
            <title>\(escape(publication.title))</title>
            <updated>\(time.string(from: publication.visibleFrom))</updated>
            <published>\(time.string(from: publication.visibleFrom))</published>
            <link rel="alternate" type="text/html" href="\(escape(url))"/>

        """
      if let summary = publication.summary, !summary.isEmpty {
        xml += "    <summary>\(escape(summary))</summary>\n"
      }
      xml += "    <content type=\"html\">\(escape(publication.html))</content>\n  </entry>\n"
    }
    xml += "</feed>\n"
    return xml
  }

  /// Text made safe inside an XML element or attribute.
  static func escape(_ text: String) -> String { Markup.escape(text, xml: true) }
}
