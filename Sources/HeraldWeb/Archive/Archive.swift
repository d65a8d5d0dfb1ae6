import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldStore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A page rendered once and served from memory as it is.
struct StaticPage: Sendable {
  /// The bytes sent.
  let body: ByteBuffer
  /// Its Content-Type.
  let contentType: String
  /// A validator for conditional requests (If-None-Match).
  let etag: String

  init(_ text: String, contentType: String) {
    let bytes = Array(text.utf8)
    body = ByteBuffer(bytes: bytes)
    self.contentType = contentType
    // FNV-1a over the bytes: the same page gives the same tag in every process.
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    etag = "\"\(String(hash, radix: 36))\""
  }
}

/// The published releases as the web shows them: the index, a page per release and the
/// Atom feed, rendered when what is published changes (or an embargo ends) and served from
/// memory, so a request renders nothing.
///
/// What is visible is decided here, against the clock: a release under embargo is not
/// listed, not in the feed, and its address answers 404 until the embargo lifts.
final class Archive: Sendable {
  /// The pages by page, and when that changes next.
  struct Snapshot: Sendable {
    var pages: [PublicPage: StaticPage] = [:]
    /// Every publication, visible or not yet.
    var all: [Publication] = []
    /// The visible releases, newest first (for the contact form's choice).
    var visible: [Publication] = []
    /// The visible releases by slug: whose files are served now.
    var published: [String: Publication] = [:]
    /// The press kits' ZIPs made when the snapshot was, by slug, with their sizes (also of
    /// releases still under embargo, so that the page is ready when it lifts).
    var kits: [String: PressKitZIP] = [:]
    /// The next embargo to lift, when one is pending.
    var nextChange: Date?
    /// The store's publications version this was made from.
    var version = ""
  }

  private let store: SubscriberStore
  private let pages: WebPages
  private let site: [String: any Sendable]
  private let organization: String
  private let publicSite: PublicSite
  private let clock: WallClock
  private let logger: Logger
  /// The workspace's Media/ folder: published files, and the press kits' ZIPs.
  let mediaDirectory: URL
  private let snapshot = Mutex(Snapshot())
  /// Release pages already rendered, by slug and the content they were made from.
  private let rendered = Mutex([String: (Publication, StaticPage)]())
  /// The ZIPs those pages link to (a ZIP made later changes the page).
  private let renderedKits = Mutex([String: PressKitZIP]())

  init(
    store: SubscriberStore, pages: WebPages, site: [String: any Sendable], organization: String, publicSite: PublicSite, clock: WallClock,
    mediaDirectory: URL, logger: Logger
  ) {
    self.mediaDirectory = mediaDirectory
    self.store = store
    self.pages = pages
    self.site = site
    self.organization = organization
    self.publicSite = publicSite
    self.clock = clock
    self.logger = logger
  }

  /// The page, if it is visible now. An embargo that has ended is seen here: the pages are
  /// rendered again (from memory: the store is not read).
  func page(_ page: PublicPage) -> StaticPage? {
    currentSnapshot().pages[page]
  }

  /// A release visible now, with its press kit's ZIP when one was made: what its files'
  /// addresses may serve. Nil for a release that is not published or still under embargo.
  func release(_ slug: String) -> (publication: Publication, kit: PressKitZIP?)? {
    let shown = currentSnapshot()
    guard let publication = shown.published[slug] else { return nil }
    return (publication, shown.kits[slug])
  }

  /// The snapshot as of now: rendered again (from memory) when an embargo has ended.
  private func currentSnapshot() -> Snapshot {
    let now = clock.now
    let current = snapshot.withLock { $0 }
    if let next = current.nextChange, next <= now {
      let rebuilt = build(current.all, kits: current.kits, version: current.version, now: now)
      snapshot.withLock { $0 = rebuilt }
      return rebuilt
    }
    return current
  }

  /// The releases visible now, newest first.
  var visible: [Publication] { snapshot.withLock { $0.visible } }

  /// Renders again when the publications have changed or an embargo has ended. Cheap when
  /// nothing has: one small query. Blocking (SQLite): call it off the event loop.
  func refresh() {
    let now = clock.now
    do {
      let version = try store.publicationsVersion()
      let current = snapshot.withLock { $0 }
      guard version != current.version || (current.nextChange.map { $0 <= now } ?? false) else { return }
      let all = try store.publications()
      let next = build(all, kits: makeKits(all, made: current.kits), version: version, now: now)
      snapshot.withLock { $0 = next }
      logger.debug("archive rendered", metadata: ["visible": "\(next.visible.count)", "publications": "\(all.count)"])
    } catch {
      // The pages of the last good snapshot stay; the next refresh tries again.
      logger.error("the archive could not be read from the store", metadata: ["error": "\(error)"])
    }
  }

  /// The press kits' ZIPs of `all`, made in Media/ when they are not there (kept from
  /// `made` when their content has not changed). A kit that cannot be made is logged and
  /// left out: its page shows the files without the ZIP.
  private func makeKits(_ all: [Publication], made: [String: PressKitZIP]) -> [String: PressKitZIP] {
    var kits: [String: PressKitZIP] = [:]
    for publication in all {
      let archive = PressKitArchive(files: publication.files)
      guard !archive.isEmpty else { continue }
      if let kit = made[publication.slug], kit.archive == archive {
        kits[publication.slug] = kit
        continue
      }
      do {
        kits[publication.slug] = PressKitZIP(archive: archive, size: try archive.make(in: mediaDirectory).size)
      } catch {
        logger.error("the press kit's ZIP could not be made", metadata: ["release": "\(publication.slug)", "error": "\(error)"])
      }
    }
    return kits
  }

  private func build(_ all: [Publication], kits: [String: PressKitZIP], version: String, now: Date) -> Snapshot {
    let visible = all.filter { $0.visibleFrom <= now }.sorted { ($0.visibleFrom, $0.slug) > ($1.visibleFrom, $1.slug) }
    var result = Snapshot(
      all: all, visible: visible, published: Dictionary(visible.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first }), kits: kits,
      nextChange: all.filter { $0.visibleFrom > now }.map(\.visibleFrom).min(), version: version)
    let cache = rendered.withLock { $0 }
    let cachedKits = renderedKits.withLock { $0 }
    var kept: [String: (Publication, StaticPage)] = [:]
    for publication in visible {
      let page: StaticPage
      if let (was, cached) = cache[publication.slug], was == publication, cachedKits[publication.slug] == kits[publication.slug] {
        page = cached
      } else {
        var values = releaseValues(publication, html: true)
        if let kit = pressKitValues(publication, zip: kits[publication.slug]) { values["press_kit"] = kit }
        page = StaticPage(pages.render("release", context(site: site, ["release": values])), contentType: "text/html; charset=utf-8")
      }
      kept[publication.slug] = (publication, page)
      result.pages[.release(slug: publication.slug)] = page
    }
    rendered.withLock { $0 = kept }
    renderedKits.withLock { $0 = kits }
    result.pages[.home] = StaticPage(
      pages.render("index", context(site: site, ["releases": visible.map { releaseValues($0, html: false) }])), contentType: "text/html; charset=utf-8")
    result.pages[.feed] = StaticPage(
      AtomFeed.xml(visible, organization: organization, site: publicSite, updated: now), contentType: "application/atom+xml; charset=utf-8")
    return result
  }

  private func releaseValues(_ publication: Publication, html: Bool) -> [String: Any] {
    var values: [String: Any] = [
      "slug": publication.slug, "url": PublicPage.release(slug: publication.slug).path, "title": publication.title, "subject": publication.subject,
      "date": ReleaseDate(publication.releaseDate)?.longForm ?? publication.releaseDate, "date_iso": publication.releaseDate,
      "language": publication.language ?? (site["language"] as? String ?? "en"),
    ]
    if let summary = publication.summary, !summary.isEmpty { values["summary"] = summary }
    if let dateline = publication.dateline { values["dateline"] = dateline }
    if html {
      values["html"] = publication.html
      values["contact_url"] = PublicPage.contact(release: publication.slug).path
    }
    return values
  }
}

/// Renders the archive again every `interval`, on the blocking pool, until the service group
/// shuts down.
struct ArchiveRefresh: Service {
  let archive: Archive
  let interval: Duration

  func run() async throws {
    while !Task.isShuttingDownGracefully {
      do {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
      } catch {
        return  // shutting down
      }
      _ = try? await BlockingWork.run { [archive] in archive.refresh() }
    }
  }
}

/// A page's context: the site's values and the page's own.
func context(site: [String: any Sendable], _ values: [String: Any]) -> [String: Any] {
  var context = values
  context["site"] = site
  return context
}
