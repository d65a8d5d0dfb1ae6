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
    let body = composed.publicBody()
    // In whole seconds: the store keeps seconds since 1970 and Date counts from 2001, so a
    // fraction may come back a hair later than it went in, and a release published "now"
    // would not be visible now. A whole second survives the round trip exactly.
    let visible = Date(timeIntervalSince1970: max(time, release.embargo ?? time).timeIntervalSince1970.rounded(.down))
    try store.publish(Publication(
      slug: release.slug, title: release.title, subject: release.subject, summary: release.summary, dateline: release.dateline,
      language: release.language, releaseDate: release.date.description, visibleFrom: visible, publishedAt: time,
      campaign: campaign?.description, html: body.html, text: body.text, files: try publishedFiles(composed)))
    return try store.publication(release.slug) ?? Publication(
      slug: release.slug, title: release.title, subject: release.subject, releaseDate: release.date.description, visibleFrom: visible,
      publishedAt: time, html: body.html, text: body.text)
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
    let composed = try workspace.composeRelease(path, configuration: configuration)
    if composed.release.publish == false {
      throw CampaignError(
        .invalidRequest, "\(path) says publish: false, so it is kept out of the public archive; remove that line to publish it")
    }
    let diagnostics = ReleaseChecker.diagnostics(for: composed)
    if diagnostics.contains(where: { $0.severity == .error }) {
      throw CampaignError(.releaseHasErrors, "the release has errors; it was not published", diagnostics: diagnostics)
    }
    return try publish(composed, at: time)
  }

  /// Takes a release out of the archive (by its slug); its page is gone at once.
  /// - Returns: whether it was there.
  @discardableResult
  package func withdraw(_ slug: String) throws -> Bool {
    try store.withdraw(slug)
  }
}
