import Foundation

/// A column chart drawn on the server as SVG, to be put inline in a page: stacked columns
/// (one segment per series), a labelled value axis with gridlines, labels under the columns
/// and a legend. It is an image to assistive technology (`role="img"`, named by its `<title>`
/// and described by its `<desc>`); the page puts a table of the same numbers beside it.
/// Series differ by colour and by pattern (solid, hatched, dotted), never by colour alone,
/// and every colour has at least 3:1 contrast with the white page. No script, no `style`.
struct SVGChart: Sendable, Hashable {
  /// One stacked part of every column: "Sent", "Deferred".
  struct Series: Sendable, Hashable {
    var name: String
  }

  /// One column: its label under it and a value per series, in the series' order.
  struct Column: Sendable, Hashable {
    var label: String
    var values: [Int]
    var total: Int { values.reduce(0, +) }
  }

  /// Makes its ids (`ID-title`, `ID-desc`, `ID-p1`): unique on the page.
  var id: String
  /// Its name: "Deliveries over time".
  var title: String
  /// What it shows, in words: "1,204 sent, 12 deferred, 3 failed from … to …".
  var description: String
  var series: [Series]
  var columns: [Column]
  var width = 640
  var height = 260

  /// The series' colours, in order: dark blue, dark amber, dark red, grey (each ≥ 4.5:1 on white).
  static let colours = ["#1f4e79", "#8a5300", "#a4262c", "#505050"]

  // Room for the legend above, the value labels left, the column labels below.
  static let top = 30
  static let left = 56
  static let right = 8
  static let bottom = 34

  /// The plot's height in the image's units.
  var plotHeight: Int { height - Self.top - Self.bottom }
  var plotWidth: Int { width - Self.left - Self.right }

  /// The value at the top of the axis: the largest column rounded up to 1, 2 or 5 × 10ⁿ (at least 1).
  var axisMaximum: Int {
    let largest = columns.map(\.total).max() ?? 0
    guard largest > 1 else { return 1 }
    var scale = 1
    while scale * 10 <= largest { scale *= 10 }
    for step in [1, 2, 5, 10] where step * scale >= largest { return step * scale }
    return largest
  }

  /// The SVG element.
  var svg: String {
    let maximum = axisMaximum
    let plotHeight = Double(plotHeight)
    let slot = columns.isEmpty ? Double(plotWidth) : Double(plotWidth) / Double(columns.count)
    let barWidth = max(1, slot * 0.7)
    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" \
      role="img" aria-labelledby="\(id)-title \(id)-desc" focusable="false" font-family="sans-serif" font-size="12">
      <title id="\(id)-title">\(Self.escape(title))</title>
      <desc id="\(id)-desc">\(Self.escape(description))</desc>
      <defs>
      <pattern id="\(id)-p1" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
      <rect width="6" height="6" fill="\(Self.colours[1])"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern>
      <pattern id="\(id)-p2" width="5" height="5" patternUnits="userSpaceOnUse">\
      <rect width="5" height="5" fill="\(Self.colours[2])"/><circle cx="2.5" cy="2.5" r="1" fill="#ffffff"/></pattern>
      <pattern id="\(id)-p3" width="6" height="6" patternUnits="userSpaceOnUse">\
      <rect width="6" height="6" fill="\(Self.colours[3])"/><line x1="0" y1="3" x2="6" y2="3" stroke="#ffffff" stroke-width="1.5"/></pattern>
      </defs>

      """
    // The legend: a swatch and a name per series.
    out += "<g class=\"legend\">"
    var x = Double(Self.left)
    for (index, series) in series.enumerated() {
      out += "<rect x=\"\(Self.number(x))\" y=\"6\" width=\"14\" height=\"14\" fill=\"\(fill(index))\" stroke=\"#222222\" stroke-width=\"0.5\"/>"
      out += "<text x=\"\(Self.number(x + 19))\" y=\"18\" fill=\"#222222\">\(Self.escape(series.name))</text>"
      x += 19 + Double(series.name.count) * 7.5 + 16
    }
    out += "</g>\n"
    // The value axis: 0, half and the top, with gridlines.
    out += "<g class=\"axis\">"
    for value in Set([0, maximum / 2, maximum]).sorted() {
      let y = Double(Self.top) + plotHeight - plotHeight * Double(value) / Double(maximum)
      out += "<line x1=\"\(Self.left)\" y1=\"\(Self.number(y))\" x2=\"\(width - Self.right)\" y2=\"\(Self.number(y))\" stroke=\"#767676\" stroke-width=\"\(value == 0 ? 1 : 0.5)\"/>"
      out += "<text x=\"\(Self.left - 6)\" y=\"\(Self.number(y + 4))\" text-anchor=\"end\" fill=\"#222222\">\(Self.escape(value.formatted()))</text>"
    }
    out += "</g>\n"
    // The columns, each series stacked on the one before.
    out += "<g class=\"bars\">"
    for (index, column) in columns.enumerated() {
      var base = Double(Self.top) + plotHeight
      let x = Double(Self.left) + slot * Double(index) + (slot - barWidth) / 2
      for (part, value) in column.values.enumerated() where value > 0 {
        let barHeight = plotHeight * Double(value) / Double(maximum)
        base -= barHeight
        out += "<rect class=\"bar\" data-column=\"\(index)\" data-series=\"\(part)\" data-value=\"\(value)\" x=\"\(Self.number(x))\" y=\"\(Self.number(base))\" "
        out += "width=\"\(Self.number(barWidth))\" height=\"\(Self.number(barHeight))\" fill=\"\(fill(part))\"/>"
      }
    }
    out += "</g>\n"
    // Labels under the columns: as many as fit, evenly spread.
    out += "<g class=\"labels\">"
    let fitting = max(1, plotWidth / 64)
    let every = max(1, Int((Double(columns.count) / Double(fitting)).rounded(.up)))
    for (index, column) in columns.enumerated() where index % every == 0 {
      let x = Double(Self.left) + slot * (Double(index) + 0.5)
      out += "<text x=\"\(Self.number(x))\" y=\"\(height - Self.bottom + 16)\" text-anchor=\"middle\" fill=\"#222222\">\(Self.escape(column.label))</text>"
    }
    out += "</g>\n</svg>"
    return out
  }

  /// The fill of a series: its colour, or a pattern over it after the first.
  func fill(_ index: Int) -> String {
    let slot = index % Self.colours.count
    return slot == 0 ? Self.colours[0] : "url(#\(id)-p\(slot))"
  }

  /// A coordinate with at most two decimals.
  static func number(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
  }

  /// Text for XML: `&`, `<`, `>`, quotes escaped; control characters dropped.
  static func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default:
        if DeskServer.isInvisibleControl(scalar) { continue }
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
