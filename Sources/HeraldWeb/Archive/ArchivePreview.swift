import Foundation
import HeraldCampaign
import HeraldCompose
import HeraldCore
import HeraldStore
import Logging

/// A release's page in the web archive as it will look once published, rendered by the
/// archive's own code (`Archive.releasePage`) with the site's templates, before anything is
/// published: the desk shows it, even for a release under embargo (the site does not).
package struct ArchivePreview: Sendable {
  private let archive: Archive
  private let mailroom: Mailroom
  /// The site's stylesheet (Templates/web/style.css), for a page shown where /style.css is not served.
  package let stylesheet: String

  /// Reads the site's templates and words as `herald serve` does.
  /// - Throws: `WebError` `.template` for a template that does not parse, `ComposeError`
  ///   for a strings table that does not.
  package init(mailroom: Mailroom, logger: Logger = Logger(label: "herald.web")) throws {
    let pages = try WebPages(workspace: mailroom.workspace)
    let strings = try mailroom.workspace.strings()
    let configuration = mailroom.configuration
    archive = Archive(
      store: mailroom.store, pages: pages, site: WebServer.siteValues(configuration, publicSite: mailroom.site, strings: strings),
      organization: configuration.compose.organization, publicSite: mailroom.site, clock: mailroom.clock,
      mediaDirectory: mailroom.workspace.mediaDirectory, logger: logger, strings: strings)
    self.mailroom = mailroom
    stylesheet = String(decoding: pages.stylesheet, as: UTF8.self)
  }

  /// The page of `family`'s translation in `language` (else its first), as the archive
  /// will serve it, and the publication it shows (its files: what its addresses name).
  /// Blocking (files in Media/): call it off the event loop.
  /// - Throws: `CampaignError` `.releaseHasErrors` when a file of the release is missing from Media/.
  package func page(of family: ComposedFamily, language: String?) throws -> (html: String, publication: Publication) {
    let now = mailroom.clock.now
    let publications = try family.translations.map { try mailroom.publication(of: $0, at: now) }
    let chosen = language.map { family.composed(in: $0) } ?? family.first
    let index = family.translations.firstIndex { $0.release.file == chosen.release.file } ?? 0
    // The press kit shows the files of every language, as the published page does.
    var all = publications[0]
    all.files = Archive.filesBySlug(publications)[all.slug] ?? []
    let publication = publications[index]
    return (archive.releasePage(publication, family: publications, files: all, kit: nil), all)
  }
}
