import Foundation
import HeraldCompose
import HeraldCore
import HeraldStore

extension Mailroom {
  /// Publishes a release to the web archive (`herald serve` shows it): its body as the
  /// email has it, without anything personal, visible from `time` or the end of its
  /// embargo, whichever is later. Publishing again (a corrected release) updates it.
  /// - Parameters:
  ///   - time: when it is published; a scheduled send's time.
  ///   - campaign: the campaign that mailed it, if one did.
  /// - Returns: what the archive holds now.
  @discardableResult
  package func publish(_ composed: ComposedRelease, at time: Date = Date(), campaign: CampaignID? = nil) throws -> Publication {
    let release = composed.release
    let publication = try self.publication(of: composed, at: time, campaign: campaign)
    try store.publish(publication)
    return try store.publication(release.slug, translation: release.isTranslation ? publication.language : nil) ?? Publication(
      slug: release.slug, title: release.title, subject: release.subject, releaseDate: release.date.description,
      visibleFrom: publication.visibleFrom, publishedAt: time, html: publication.html, text: publication.text)
  }

  /// What the archive holds of a release once it is published at `time`: its body as the
  /// email has it, without anything personal, its files, visible from `time` or the end of
  /// its embargo. Nothing is written: the desk's preview shows the page it will have.
  /// - Throws: `CampaignError` `.releaseHasErrors` when one of its files is missing from Media/.
  package func publication(of composed: ComposedRelease, at time: Date, campaign: CampaignID? = nil) throws -> Publication {
    let release = composed.release
    let body = composed.publicBody()
    // In whole seconds: the store keeps seconds since 1970 and Date counts from 2001, so a
    // fraction may come back a hair later than it went in, and a release published "now"
    // would not be visible now. A whole second survives the round trip exactly.
    let visible = Date(timeIntervalSince1970: max(time, release.embargo ?? time).timeIntervalSince1970.rounded(.down))
    // A translation is published under its language (the primary subtag): its address.
    let language = release.isTranslation ? ReleaseFamily.language(of: release) : release.language
    return Publication(
      slug: release.slug, title: release.title, subject: release.subject, summary: release.summary, dateline: release.dateline,
      language: language, releaseDate: release.date.description, visibleFrom: visible, publishedAt: time,
      campaign: campaign?.description, html: body.html, text: body.text, files: try publishedFiles(composed), translation: release.isTranslation)
  }

  /// Publishes a release and each of its translations (each at its own address); returns
  /// the original's publication.
  @discardableResult
  package func publish(_ family: ComposedFamily, at time: Date = Date(), campaign: CampaignID? = nil) throws -> Publication {
    var first: Publication?
    for composed in family.translations {
      let published = try publish(composed, at: time, campaign: campaign)
      if first == nil { first = published }
    }
    return first!
  }

  /// The files published with a release (photos, their renditions, documents, attachments),
  /// every one of them checked to be in Media/ first: the web server serves exactly these.
  /// - Throws: `CampaignError` `.releaseHasErrors` when one is missing from Media/ (removed
  ///   since the release was composed).
  func publishedFiles(_ composed: ComposedRelease) throws -> [PressKitFile] {
    let folder = MediaFolder(directory: workspace.mediaDirectory)
    let files = composed.media.publishedFiles
    if let missing = files.first(where: { !folder.contains($0) }) {
      throw CampaignError(.releaseHasErrors,
        "\(missing.name) is not in \(folder.directory.path) any more; run herald check \(composed.release.file) to make it again, then publish")
    }
    return files
  }

  /// Publishes the release file at `path` (a path, or a name inside Releases/).
  /// - Throws: `ComposeError` for a release that cannot be read, `CampaignError`
  ///   `.releaseHasErrors` for one with errors, `.invalidRequest` for one whose front
  ///   matter says `publish: false` (an internal release is never published).
  @discardableResult
  package func publish(release path: String, at time: Date = Date()) throws -> Publication {
    let family = try workspace.composeFamily(path, configuration: configuration)
    let composed = family.first
    if composed.release.publish == false {
      throw CampaignError(
        .invalidRequest, "\(path) says publish: false, so it is kept out of the public archive; remove that line to publish it")
    }
    let diagnostics = ReleaseChecker.diagnostics(for: family)
    if diagnostics.contains(where: { $0.severity == .error }) {
      throw CampaignError(.releaseHasErrors, "the release has errors; it was not published", diagnostics: diagnostics)
    }
    return try publish(family, at: time)
  }

  /// Takes a release out of the archive (by its slug); its page is gone at once.
  /// - Returns: whether it was there.
  @discardableResult
  package func withdraw(_ slug: String) throws -> Bool {
    try store.withdraw(slug)
  }
}
