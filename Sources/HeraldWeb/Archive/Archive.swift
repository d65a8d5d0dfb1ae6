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
    /// The index in each language it can be shown in (the site's, and every language a
    /// visible release is in), chosen per request by Accept-Language.
    var indexes: [String: StaticPage] = [:]
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
  /// Herald's words in every language, for pages in a release's language.
  private let strings: StringsCatalog
  /// The site's language (herald.yml's web.language), a primary subtag.
  let siteLanguage: String
  private let snapshot = Mutex(Snapshot())
  /// Release pages already rendered, by address, with the content, the alternates'
  /// languages and the press kit's ZIP they were made from (a ZIP made later changes the page).
  private let rendered = Mutex([PublicPage: (Publication, [String], PressKitZIP?, StaticPage)]())

  init(
    store: SubscriberStore, pages: WebPages, site: [String: any Sendable], organization: String, publicSite: PublicSite, clock: WallClock,
    mediaDirectory: URL, logger: Logger, strings: StringsCatalog = .english
  ) {
    self.mediaDirectory = mediaDirectory
    self.strings = strings
    self.siteLanguage = LanguageTag.primary(site["language"] as? String ?? "en")
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

  /// The index in the language a visitor reads best (their Accept-Language, weighed by its
  /// q-values, among the languages it is shown in), else the site's.
  func index(acceptLanguage: String?) -> StaticPage? {
    _ = page(.home)  // an embargo that has ended is seen here too
    let indexes = snapshot.withLock { $0.indexes }
    let language = AcceptLanguage(acceptLanguage).best(of: Array(indexes.keys)) ?? siteLanguage
    return indexes[language] ?? indexes[siteLanguage]
  }

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

  /// The press kits' ZIPs of `all` by slug (a release's files in every language), made in
  /// Media/ when they are not there (kept from `made` when their content has not changed). A
  /// kit that cannot be made is logged and left out: its page shows the files without the ZIP.
  private func makeKits(_ all: [Publication], made: [String: PressKitZIP]) -> [String: PressKitZIP] {
    var kits: [String: PressKitZIP] = [:]
    for (slug, files) in Self.filesBySlug(all) {
      let archive = PressKitArchive(files: files)
      guard !archive.isEmpty else { continue }
      if let kit = made[slug], kit.archive == archive {
        kits[slug] = kit
        continue
      }
      do {
        kits[slug] = PressKitZIP(archive: archive, size: try archive.make(in: mediaDirectory).size)
      } catch {
        logger.error("the press kit's ZIP could not be made", metadata: ["release": "\(slug)", "error": "\(error)"])
      }
    }
    return kits
  }

  /// The files of each release, in all its languages: a translation may publish files of its
  /// own (a report in Russian) beside the original's, all at the release's addresses.
  static func filesBySlug(_ publications: [Publication]) -> [String: [PressKitFile]] {
    var files: [String: [PressKitFile]] = [:]
    for publication in publications.sorted(by: { !$0.translation && $1.translation }) {
      for file in publication.files where !(files[publication.slug] ?? []).contains(where: { $0.digest == file.digest && $0.name == file.name }) {
        files[publication.slug, default: []].append(file)
      }
    }
    return files
  }

  private func build(_ all: [Publication], kits: [String: PressKitZIP], version: String, now: Date) -> Snapshot {
    let shown = all.filter { $0.visibleFrom <= now }
    // A translation shows no earlier than its original: the embargo holds every language.
    let originals = Set(shown.filter { !$0.translation }.map(\.slug))
    let visibleAll = shown.filter { !$0.translation || originals.contains($0.slug) }
      .sorted { ($0.visibleFrom, $0.slug, $0.translation ? 1 : 0) > ($1.visibleFrom, $1.slug, $1.translation ? 1 : 0) }
    // One entry per release (the original): the contact form's choice, the default feed.
    let visible = visibleAll.filter { !$0.translation }
    // Whose files are served now: each visible release, with its files in every language.
    let visibleFiles = Self.filesBySlug(visibleAll)
    var published: [String: Publication] = [:]
    for original in visible {
      var release = original
      release.files = visibleFiles[original.slug] ?? []
      published[original.slug] = release
    }
    var result = Snapshot(
      all: all, visible: visible, published: published, kits: kits,
      nextChange: all.filter { $0.visibleFrom > now }.map(\.visibleFrom).min(), version: version)
    // Each release's languages, the original first.
    let editions = Dictionary(grouping: visibleAll, by: \.slug).mapValues { $0.sorted { !$0.translation && $1.translation } }
    let cache = rendered.withLock { $0 }
    var kept: [PublicPage: (Publication, [String], PressKitZIP?, StaticPage)] = [:]
    for publication in visibleAll {
      let family = editions[publication.slug] ?? [publication]
      let address = Self.page(of: publication)
      let languages = family.map { language(of: $0) }
      let kit = kits[publication.slug]
      let page: StaticPage
      if let (was, wasLanguages, wasKit, cached) = cache[address], was == publication, wasLanguages == languages, wasKit == kit {
        page = cached
      } else {
        page = StaticPage(releasePage(publication, family: family, files: published[publication.slug], kit: kit), contentType: "text/html; charset=utf-8")
      }
      kept[address] = (publication, languages, kit, page)
      result.pages[address] = page
    }
    rendered.withLock { $0 = kept }
    // The index in each language: every release once, in that language where it has it;
    // and each language's feed.
    for code in Set([siteLanguage] + visibleAll.map { language(of: $0) }) {
      let releases = visible.map { original -> [String: Any] in
        let family = editions[original.slug] ?? [original]
        let chosen = family.first { language(of: $0) == code } ?? original
        var values = releaseValues(chosen, html: false)
        values["alternates"] = alternates(family, current: chosen)
        values["translated"] = family.count > 1
        return values
      }
      result.indexes[code] = StaticPage(
        // The site's own index links the site's feed (every release); another language's, its own.
        pages.render("index", context(site: site, ["releases": releases], language: code, strings: strings, languageFeed: code != siteLanguage)),
        contentType: "text/html; charset=utf-8")
      result.pages[.languageFeed(language: code)] = StaticPage(
        AtomFeed.xml(
          visibleAll.filter { language(of: $0) == code }, organization: organization, site: publicSite, updated: now,
          language: code, title: strings.table(for: code)["press_releases"]),
        contentType: "application/atom+xml; charset=utf-8")
    }
    result.pages[.home] = result.indexes[siteLanguage]
    result.pages[.feed] = StaticPage(
      AtomFeed.xml(visible, organization: organization, site: publicSite, updated: now), contentType: "application/atom+xml; charset=utf-8")
    return result
  }

  /// The page of one release in one language, as the site shows it: `family` its languages
  /// (for the language switch), `files` the release with the files of all its languages
  /// (for the press kit), `kit` its ZIP when one was made. The desk's preview renders a
  /// release not yet published with it.
  func releasePage(_ publication: Publication, family: [Publication], files: Publication?, kit: PressKitZIP?) -> String {
    var values = releaseValues(publication, html: true)
    values["alternates"] = alternates(family, current: publication)
    values["translated"] = family.count > 1
    if let files, let section = pressKitValues(files, zip: kit) { values["press_kit"] = section }
    return pages.render("release", context(site: site, ["release": values], language: language(of: publication), strings: strings))
  }

  /// A publication's address: the original's /releases/SLUG, a translation's /LANG/releases/SLUG.
  static func page(of publication: Publication) -> PublicPage {
    .release(slug: publication.slug, language: publication.language.map(LanguageTag.primary), translation: publication.translation)
  }

  /// A publication's language, a primary subtag; the site's when it says none.
  private func language(of publication: Publication) -> String {
    LanguageTag.primary(publication.language ?? siteLanguage)
  }

  /// The languages of a release, for its `hreflang` alternates and its language switch:
  /// each with its own name ("Русский"), its address, and whether it is the page's own.
  private func alternates(_ family: [Publication], current: Publication) -> [[String: Any]] {
    family.map { publication in
      let page = Self.page(of: publication)
      let code = language(of: publication)
      return [
        "language": code, "name": LanguageTag.autonym(code), "path": page.path, "url": publicSite.url(page),
        "current": publication.translation == current.translation && publication.language == current.language,
      ]
    }
  }

  private func releaseValues(_ publication: Publication, html: Bool) -> [String: Any] {
    var values: [String: Any] = [
      "slug": publication.slug, "url": Self.page(of: publication).path, "title": publication.title, "subject": publication.subject,
      "date": ReleaseDate(publication.releaseDate)?.longForm(in: language(of: publication)) ?? publication.releaseDate,
      "date_iso": publication.releaseDate, "language": publication.language ?? siteLanguage,
    ]
    if let summary = publication.summary, !summary.isEmpty { values["summary"] = summary }
    if let dateline = publication.dateline { values["dateline"] = dateline }
    if html {
      values["html"] = publication.html
      values["contact_url"] = PublicPage.contact(release: publication.slug).path
      // x-default: the original's address.
      values["default_url"] = publicSite.url(.release(slug: publication.slug))
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

/// A page's context: the site's values and the page's own, with Herald's words
/// (`{{strings.KEY}}`) in the site's language.
func context(site: [String: any Sendable], _ values: [String: Any]) -> [String: Any] {
  var context = values
  context["site"] = site
  if context["strings"] == nil, let words = site["strings"] { context["strings"] = words }
  return context
}

/// A page's context in a language of its own (a release's, an index's): its `<html lang>`,
/// its feed (with `languageFeed`), and Herald's words in that language.
func context(
  site: [String: any Sendable], _ values: [String: Any], language: String, strings: StringsCatalog, languageFeed: Bool = true
) -> [String: Any] {
  var site = site
  site["language"] = language
  if languageFeed, var paths = site["paths"] as? [String: String] {
    paths["language_feed"] = PublicPage.languageFeed(language: language).path
    site["paths"] = paths
  }
  var context = values
  context["site"] = site
  context["strings"] = strings.table(for: language).values
  return context
}
