import Foundation

/// Pages looked at in a real browser at a desktop's and a phone's width, each measured with
/// axe-core's WCAG 2.1 A/AA rules and kept as a full-page screenshot
/// (Tests/Browser/audit_pages.py). Pages of the desk are looked at signed in as the
/// account the page names.
package struct PageAudit: Encodable, Sendable {
  /// A page to look at.
  package struct Page: Encodable, Sendable {
    /// A name for the report and the screenshot's file ("desk-users").
    package var name: String
    /// Its address (http://127.0.0.1:PORT/users, or a file: URL).
    package var url: String
    /// Signed in as this account of ``PageAudit/accounts`` first; nil: nobody signed in.
    package var account: String?
    /// What a person does on the page before it is measured (fill a form and send it).
    package var steps: [Step]
    /// The HTTP status it must answer with (after the steps); nil for a file: page.
    package var status: Int?

    /// A page named `name` at `url`, looked at as `account`, after `steps`; it must answer
    /// `status`, at `url` (a form on it posts back to its own address).
    package init(_ name: String, _ url: String, as account: String? = nil, steps: [Step] = [], status: Int? = 200) {
      self.name = name
      self.url = url
      self.account = account
      self.steps = steps
      self.status = url.hasPrefix("file:") ? nil : status
    }
  }

  /// Something a person does on a page.
  package enum Step: Encodable, Sendable {
    /// Types `value` into the field `selector` (CSS).
    case fill(String, String)
    /// Ticks the checkbox `selector`.
    case check(String)
    /// Clicks `selector` and waits for the page it leads to.
    case click(String)

    private enum CodingKeys: String, CodingKey { case fill, value, check, click }

    package func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      switch self {
      case .fill(let selector, let value):
        try container.encode(selector, forKey: .fill)
        try container.encode(value, forKey: .value)
      case .check(let selector): try container.encode(selector, forKey: .check)
      case .click(let selector): try container.encode(selector, forKey: .click)
      }
    }
  }

  /// A desk account the browser signs in with.
  package struct Account: Encodable, Sendable {
    /// The desk's address, http://127.0.0.1:PORT.
    package var desk: String
    /// The account's email address.
    package var email: String
    /// Its password.
    package var password: String

    /// An account of the desk at `desk`.
    package init(desk: String, email: String, password: String) {
      self.desk = desk
      self.email = email
      self.password = password
    }
  }

  /// Where the screenshots go.
  package var artefacts: String
  /// The accounts pages may be looked at as, by name.
  package var accounts: [String: Account]
  /// The pages, in order.
  package var pages: [Page]
  /// The widths: "desktop" (1280×800) and "phone" (390×844, touch).
  package var viewports: [String]

  /// An audit of `pages`, screenshots in `artefacts`.
  package init(pages: [Page], accounts: [String: Account] = [:], artefacts: URL, viewports: [String] = ["desktop", "phone"]) {
    self.artefacts = artefacts.path
    self.accounts = accounts
    self.pages = pages
    self.viewports = viewports
  }

  /// Looks at every page at every width.
  /// - Throws: `BrowserScriptError` when the browser script fails as a whole (one page that
  ///   cannot be loaded is in its `Looked.error` instead).
  package func run(timeout: TimeInterval = 600) throws -> Report {
    try BrowserScript("audit_pages.py").run(self, as: Report.self, timeout: timeout)
  }

  /// What the browser saw.
  package struct Report: Decodable, Sendable {
    /// Each page at each width.
    package var pages: [Looked]
    /// What pages logged to the console as errors ("URL: message"): refused scripts and
    /// styles (the Content-Security-Policy), failed loads.
    package var consoleErrors: [String]

    enum CodingKeys: String, CodingKey {
      case pages
      case consoleErrors = "console_errors"
    }

    /// The violations that fail a page (impact serious or critical), one line each: the
    /// page, the width, the rule, its impact and the elements.
    package var blocking: [String] {
      pages.flatMap { page in
        page.violations.filter(\.isBlocking).map { "\(page.name) (\(page.viewport)): \($0)" }
      }
    }

    /// What is wrong with how the pages were reached, one line each: a page that could not
    /// be looked at, that answered another status than its `status`, or that ended at another
    /// address (a desk page that sent the browser to the sign-in page).
    package func unexpected(_ asked: [Page]) -> [String] {
      let byName = Dictionary(asked.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
      return pages.compactMap { looked in
        let what = "\(looked.name) (\(looked.viewport))"
        if let error = looked.error { return "\(what) could not be looked at: \(error)" }
        guard let page = byName[looked.name] else { return "\(what) was not asked for" }
        if let status = page.status, looked.status != status {
          return "\(what) answered \(looked.status.map(String.init) ?? "nothing"), not \(status), at \(looked.url)"
        }
        if looked.url != page.url { return "\(what) ended at \(looked.url), not \(page.url)" }
        return nil
      }
    }

    /// Where a keyboard user is lost, one line each: a page the Tab key reaches nothing on, and
    /// every element it reaches without focus drawn on it.
    package var keyboardProblems: [String] {
      pages.filter { $0.error == nil }.flatMap { page -> [String] in
        let what = "\(page.name) (\(page.viewport))"
        if page.keyboard.isEmpty { return ["\(what): the Tab key reaches nothing"] }
        return page.keyboard.filter { !$0.visible }.map { "\(what): focus is not shown on \($0.element) “\($0.text)”" }
      }
    }

    /// How many elements each rule found, over every page and width ("color-contrast": 12).
    package var countsByRule: [String: Int] {
      pages.flatMap(\.violations).reduce(into: [:]) { counts, violation in counts[violation.id, default: 0] += violation.nodes.count }
    }
  }

  /// One page at one width.
  package struct Looked: Decodable, Sendable {
    /// The page's name.
    package var name: String
    /// "desktop" or "phone".
    package var viewport: String
    /// Where the browser ended up.
    package var url: String
    /// The HTTP status of the page it ended on; nil for a file: page.
    package var status: Int?
    /// The document's title.
    package var title: String?
    /// The PNG of the whole page.
    package var screenshot: String?
    /// What axe found.
    package var violations: [Violation]
    /// What the Tab key reaches, in order, from the top of the page.
    package var keyboard: [Focus]
    /// Why the page could not be looked at; nil when it was.
    package var error: String?

    enum CodingKeys: String, CodingKey { case name, viewport, url, status, title, screenshot, violations, keyboard, error }

    package init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      name = try container.decode(String.self, forKey: .name)
      viewport = try container.decode(String.self, forKey: .viewport)
      url = try container.decodeIfPresent(String.self, forKey: .url) ?? ""
      status = try container.decodeIfPresent(Int.self, forKey: .status)
      title = try container.decodeIfPresent(String.self, forKey: .title)
      screenshot = try container.decodeIfPresent(String.self, forKey: .screenshot)
      violations = try container.decodeIfPresent([Violation].self, forKey: .violations) ?? []
      keyboard = try container.decodeIfPresent([Focus].self, forKey: .keyboard) ?? []
      error = try container.decodeIfPresent(String.self, forKey: .error)
    }
  }

  /// A rule of axe that a page breaks, and where.
  package struct Violation: Decodable, Sendable, CustomStringConvertible {
    /// The rule ("color-contrast").
    package var id: String
    /// minor, moderate, serious or critical.
    package var impact: String
    /// What the rule asks for.
    package var help: String
    /// The elements that break it.
    package var nodes: [Node]

    /// Whether it fails the page: serious or critical.
    package var isBlocking: Bool { impact == "serious" || impact == "critical" }

    package var description: String {
      // The first reason axe gives for each element (the line after "Fix any of the following:").
      let shown = nodes.prefix(3).map { node in
        let reasons = node.summary.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        return "\(node.target.joined(separator: " ")) (\(reasons.dropFirst().first ?? node.html))"
      }
      let more = nodes.count > 3 ? "; and \(nodes.count - 3) more" : ""
      return "\(id) (\(impact)): \(help), at " + shown.joined(separator: "; ") + more
    }
  }

  /// An element the keyboard reached.
  package struct Focus: Decodable, Sendable {
    /// Its tag, id, name and link ("a[href=/account]").
    package var element: String
    /// The start of its text or value.
    package var text: String
    /// Whether focus is drawn on it (an outline, the browser's own ring, or a shadow).
    package var visible: Bool
  }

  /// An element that breaks a rule.
  package struct Node: Decodable, Sendable {
    /// CSS selectors that find it.
    package var target: [String]
    /// The start of its HTML.
    package var html: String
    /// What is wrong ("Element has insufficient color contrast of 4.39 …").
    package var summary: String
  }
}
