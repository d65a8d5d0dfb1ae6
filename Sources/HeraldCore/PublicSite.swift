/// The public site's addresses, built in one place: mail composition puts them in messages
/// (the unsubscribe link, "read this release online", the confirmation link), the web
/// server routes them, pages link to them, and the command line prints them. Each page is
/// a `PublicPage`; its path comes from a `PublicRoute`, which is also what the router
/// matches, so an address that is built is always one that is served.
public struct PublicSite: Sendable, Hashable {
  /// `https://news.example.org`, without a trailing slash.
  public let baseURL: String

  /// The site at `baseURL` (herald.yml's `base_url`); a trailing slash is dropped.
  public init(baseURL: String) {
    var base = Substring(baseURL)
    while base.hasSuffix("/") { base = base.dropLast() }
    self.baseURL = String(base)
  }

  /// The absolute address of a page, for mail and for people: `https://news.example.org/releases/SLUG`.
  public func url(_ page: PublicPage) -> String {
    baseURL + page.path
  }
}

/// A page of the public site, with what its address carries.
public enum PublicPage: Sendable, Hashable {
  /// The archive's index.
  case home
  /// The archive's Atom feed.
  case feed
  /// The pages' stylesheet.
  case stylesheet
  /// A published release, in its first language: `/releases/SLUG`.
  case release(slug: String)
  /// A published release's translation into another language: `/LANG/releases/SLUG`
  /// (the language first, so no address of a release's files or press kit is like it).
  case translation(slug: String, language: String)
  /// The Atom feed of the releases in one language: `/LANG/feed.atom`.
  case languageFeed(language: String)
  /// A file published with a release (a photo, its rendition, a document), by its digest:
  /// `/releases/SLUG/files/DIGEST/NAME`.
  case releaseFile(slug: String, file: PressKitFile)
  /// Every listed file of a release's press kit in one ZIP: `/releases/SLUG/press-kit.zip`.
  case pressKit(slug: String)
  /// The unsubscribe page of a signed token; RFC 8058's one-click POST goes to it too.
  case unsubscribe(token: String)
  /// The confirmation page of a double opt-in subscription.
  case confirm(token: String)
  /// The public lists, to choose one to subscribe to.
  case lists
  /// A public list's subscription form.
  case subscribe(list: String)
  /// The contact form, with a release chosen when given.
  case contact(release: String? = nil)

  /// The route the page is served at.
  public var route: PublicRoute {
    switch self {
    case .home: return .home
    case .feed: return .feed
    case .stylesheet: return .stylesheet
    case .release: return .release
    case .translation: return .translation
    case .languageFeed: return .languageFeed
    case .releaseFile: return .releaseFile
    case .pressKit: return .pressKit
    case .unsubscribe: return .unsubscribe
    case .confirm: return .confirm
    case .lists: return .lists
    case .subscribe: return .subscribe
    case .contact: return .contact
    }
  }

  /// Its path on the site, parameters percent-encoded: `/releases/2026-12-06-report`.
  public var path: String {
    switch self {
    case .home, .feed, .stylesheet, .lists: return route.path()
    case .release(let slug), .pressKit(let slug): return route.path(slug)
    case .translation(let slug, let language): return route.path(language, slug)
    case .languageFeed(let language): return route.path(language)
    case .releaseFile(let slug, let file): return route.path(slug, file.digest, file.name)
    case .unsubscribe(let token), .confirm(let token): return route.path(token)
    case .subscribe(let list): return route.path(list)
    case .contact(let release):
      return route.path() + (release.map { "?release=" + PublicRoute.percentEncoded($0) } ?? "")
    }
  }
}

/// A route of the public site: literal segments and named parameters. The router matches
/// `pattern` (`/releases/:slug`) and reads `parameter`; `path(_:)` fills it in.
public struct PublicRoute: Sendable, Hashable, CustomStringConvertible {
  private enum Segment: Sendable, Hashable {
    case literal(String)
    case parameter(String)
  }

  private let segments: [Segment]

  private init(_ segments: Segment...) {
    self.segments = segments
  }

  /// `/`
  public static let home = PublicRoute()
  /// `/feed.atom`
  public static let feed = PublicRoute(.literal("feed.atom"))
  /// `/style.css`
  public static let stylesheet = PublicRoute(.literal("style.css"))
  /// `/releases/:slug`
  public static let release = PublicRoute(.literal("releases"), .parameter("slug"))
  /// `/:language/releases/:slug`
  public static let translation = PublicRoute(.parameter("language"), .literal("releases"), .parameter("slug"))
  /// `/:language/feed.atom`
  public static let languageFeed = PublicRoute(.parameter("language"), .literal("feed.atom"))
  /// `/releases/:slug/files/:digest/:name`
  public static let releaseFile = PublicRoute(
    .literal("releases"), .parameter("slug"), .literal("files"), .parameter("digest"), .parameter("name"))
  /// `/releases/:slug/press-kit.zip`
  public static let pressKit = PublicRoute(.literal("releases"), .parameter("slug"), .literal("press-kit.zip"))
  /// `/unsubscribe/:token`
  public static let unsubscribe = PublicRoute(.literal("unsubscribe"), .parameter("token"))
  /// `/confirm/:token`
  public static let confirm = PublicRoute(.literal("confirm"), .parameter("token"))
  /// `/subscribe`
  public static let lists = PublicRoute(.literal("subscribe"))
  /// `/subscribe/:list`
  public static let subscribe = PublicRoute(.literal("subscribe"), .parameter("list"))
  /// `/contact`
  public static let contact = PublicRoute(.literal("contact"))

  /// What a router matches: parameters written `:name`.
  public var pattern: String {
    "/" + segments.map { segment in
      switch segment {
      case .literal(let text): return text
      case .parameter(let name): return ":" + name
      }
    }.joined(separator: "/")
  }

  /// The name of the route's (first) parameter, for the router to read; nil for a route without one.
  public var parameter: String? { parameters.first }

  /// The names of the route's parameters, in order.
  public var parameters: [String] {
    segments.compactMap { segment in
      if case .parameter(let name) = segment { return name }
      return nil
    }
  }

  public var description: String { pattern }

  /// The path with `values` in place of the parameters, in order, percent-encoded.
  func path(_ values: String...) -> String {
    var next = values.makeIterator()
    return "/" + segments.map { segment in
      switch segment {
      case .literal(let text): return text
      case .parameter: return Self.percentEncoded(next.next() ?? "")
      }
    }.joined(separator: "/")
  }

  /// A value made safe as one path segment or query value: everything but RFC 3986's
  /// unreserved characters is percent-encoded.
  public static func percentEncoded(_ value: String) -> String {
    var encoded = ""
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        encoded.unicodeScalars.append(UnicodeScalar(byte))
      default:
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        encoded.unicodeScalars.append("%")
        encoded.unicodeScalars.append(digits[Int(byte >> 4)])
        encoded.unicodeScalars.append(digits[Int(byte & 0x0F)])
      }
    }
    return encoded
  }
}

extension PublicPage {
  /// A release's page in one of its languages: its first language (the original, `translation`
  /// false) at `/releases/SLUG`, a translation at `/LANG/releases/SLUG`.
  public static func release(slug: String, language: String?, translation: Bool) -> PublicPage {
    guard translation, let language, !language.isEmpty else { return .release(slug: slug) }
    return .translation(slug: slug, language: language)
  }
}
