import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@testable import HeraldDesk

/// The reports' charts: SVG drawn on the server, valid XML, named and described for
/// assistive technology, bars as tall as their numbers.
struct SVGChartTests {
  /// The elements of an SVG document, parsed as XML: name, attributes and text.
  final class Elements: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String], text: String)] = []
    private var open: [Int] = []

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
      elements.append((name, attributes, ""))
      open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if let last = open.last { elements[last].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      open.removeLast()
    }

    /// Parses `svg`, or fails the test.
    static func parse(_ svg: String) -> Elements? {
      let elements = Elements()
      let parser = XMLParser(data: Data(svg.utf8))
      parser.delegate = elements
      guard parser.parse() else {
        Issue.record("not XML: \(parser.parserError.map { "\($0)" } ?? "?")\n\(svg)")
        return nil
      }
      return elements
    }
  }

  static let chart = SVGChart(
    id: "chart-test", title: "Deliveries <over> time & more", description: "120 sent, 30 deferred and 6 failed.",
    series: [.init(name: "Sent"), .init(name: "Deferred"), .init(name: "Failed")],
    columns: [
      .init(label: "09:00", values: [100, 20, 0]), .init(label: "10:00", values: [20, 10, 6]), .init(label: "11:00", values: [0, 0, 0]),
    ])

  @Test func aChartIsValidXMLNamedByItsTitleAndDescribedByItsDesc() throws {
    let elements = try #require(Elements.parse(Self.chart.svg))
    let svg = try #require(elements.elements.first)
    #expect(svg.name == "svg")
    #expect(svg.attributes["role"] == "img")
    #expect(svg.attributes["aria-labelledby"] == "chart-test-title chart-test-desc")
    let title = try #require(elements.elements.first { $0.name == "title" })
    #expect(title.attributes["id"] == "chart-test-title" && title.text == "Deliveries <over> time & more")
    let desc = try #require(elements.elements.first { $0.name == "desc" })
    #expect(desc.attributes["id"] == "chart-test-desc" && desc.text == "120 sent, 30 deferred and 6 failed.")
    // Nothing a page's policy refuses: no script, no style attribute.
    #expect(!elements.elements.contains { $0.name == "script" || $0.attributes["style"] != nil })
    // The legend names every series, and the axis and columns are labelled in text.
    let texts = elements.elements.filter { $0.name == "text" }.map(\.text)
    #expect(["Sent", "Deferred", "Failed", "09:00", "10:00", "11:00", "0", "100", "200"].allSatisfy(texts.contains))
  }

  @Test func barsAreAsTallAsTheirNumbersAndStackedPerColumn() throws {
    let elements = try #require(Elements.parse(Self.chart.svg))
    let bars = elements.elements.filter { $0.attributes["class"] == "bar" }
    // One bar per number above zero.
    #expect(bars.count == 5)
    let maximum = Double(Self.chart.axisMaximum)
    #expect(maximum == 200)
    for bar in bars {
      let value = try #require(bar.attributes["data-value"].flatMap(Double.init))
      let height = try #require(bar.attributes["height"].flatMap(Double.init))
      #expect(abs(height - value / maximum * Double(Self.chart.plotHeight)) < 0.01, "\(bar.attributes)")
    }
    // In a column, each series sits on the one before: the next bar's bottom is this one's top.
    let first = bars.filter { $0.attributes["data-column"] == "0" }
    let sentTop = try #require(first.first.flatMap { $0.attributes["y"] }.flatMap(Double.init))
    let deferred = try #require(first.last)
    let deferredBottom = try #require(Double(deferred.attributes["y"]!)) + Double(deferred.attributes["height"]!)!
    #expect(abs(sentTop - deferredBottom) < 0.02)
    // Series differ by pattern as well as colour.
    #expect(Set(bars.map { $0.attributes["fill"]! }) == ["#1f4e79", "url(#chart-test-p1)", "url(#chart-test-p2)"])
  }

  @Test(arguments: [(0, 1), (1, 1), (7, 10), (10, 10), (11, 20), (150, 200), (999, 1000), (30_000, 50_000)])
  func theAxisEndsAtARoundNumberAboveTheLargestColumn(largest: Int, top: Int) {
    let chart = SVGChart(id: "c", title: "t", description: "d", series: [.init(name: "s")], columns: [.init(label: "a", values: [largest])])
    #expect(chart.axisMaximum == top)
  }

  @Test func hostileLabelsStayText() throws {
    let chart = SVGChart(
      id: "c", title: "<script>alert(1)</script>", description: "\"quoted\" & 'single'\u{202E}",
      series: [.init(name: "<b>")], columns: [.init(label: "</svg><script>", values: [3])])
    let elements = try #require(Elements.parse(chart.svg))
    #expect(!elements.elements.contains { $0.name == "script" || $0.name == "b" })
    #expect(elements.elements.first { $0.name == "desc" }?.text == "\"quoted\" & 'single'")
  }
}
