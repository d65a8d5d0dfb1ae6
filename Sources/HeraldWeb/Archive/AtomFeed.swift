import Foundation
import HeraldStore

/// The archive as an Atom feed (RFC 4287): the feed's id, title, updated, author and
/// `link rel="self"`; each release an entry with its id, title, updated (its publication
/// time), link and content (its HTML, escaped).
enum AtomFeed {
  /// The feed of `publications` (the visible ones, newest first).
  static func xml(_ publications: [Publication], organization: String, baseURL: String, updated: Date) -> String {
    let time = ISO8601DateFormatter()
    var xml = """
      <?xml version="1.0" encoding="utf-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom">
        <id>\(escape(baseURL))/</id>
        <title>\(escape(organization)): press releases</title>
        <updated>\(time.string(from: publications.first?.visibleFrom ?? updated))</updated>
        <author><name>\(escape(organization))</name></author>
        <link rel="self" type="application/atom+xml" href="\(escape(baseURL))/feed.atom"/>
        <link rel="alternate" type="text/html" href="\(escape(baseURL))/"/>

      """
    for publication in publications {
      let url = "\(baseURL)/releases/\(publication.slug)"
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
  static func escape(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&apos;"
      default:
        // XML 1.0 allows no control characters but tab, line feed and carriage return.
        if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" { continue }
        output.unicodeScalars.append(scalar)
      }
    }
    return output
  }
}
