import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail

extension Workspace {
  /// Where a draft goes: Releases/ and its file name.
  package func releaseFile(for draft: ReleaseDraft) -> URL {
    releasesDirectory.appendingPathComponent(draft.fileName)
  }

  /// Writes a new release's draft to Releases/, durably, never over a file that is there.
  /// - Returns: whether it was written (false: a file of that name exists, and is kept).
  /// - Throws: `FileError` when Releases/ or the file cannot be written.
  package func write(_ draft: ReleaseDraft) throws -> Bool {
    do {
      try FileManager.default.createDirectory(at: releasesDirectory, withIntermediateDirectories: true)
    } catch {
      throw WorkspaceError(.files, "\(releasesDirectory.path) cannot be made: \((error as NSError).localizedDescription)")
    }
    return try DurableFile.write(draft.text, to: releaseFile(for: draft), replacing: false)
  }

  /// Where `herald preview` writes a release's message.eml, .html and .txt by default:
  /// preview/SLUG.
  package func previewDirectory(slug: String) -> URL {
    root.appendingPathComponent("preview").appendingPathComponent(slug)
  }
}

extension Workspace {
  /// Herald's words: the tables Herald ships, under each key of the workspace's own
  /// Templates/strings/LANG.yml.
  /// - Throws: `ComposeError` `.template` naming the file and line of a table that does not parse.
  package func strings() throws -> StringsCatalog {
    var shipped: [String: (text: String, file: String)] = [:]
    for file in WorkspaceDefaults.stringsTables {
      let language = ((file.path as NSString).lastPathComponent as NSString).deletingPathExtension
      shipped[language] = (String(decoding: file.contents, as: UTF8.self), "Herald's default \(file.path)")
    }
    var overrides: [String: (text: String, file: String)] = [:]
    let folder = templatesDirectory.appendingPathComponent("strings")
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".yml") {
      let url = folder.appendingPathComponent(name)
      guard let data = FileManager.default.contents(atPath: url.path) else { continue }
      guard let text = String(validating: data, as: UTF8.self) else {
        throw ComposeError(.template, file: url.path, "is not valid UTF-8; save it as UTF-8")
      }
      overrides[String(name.dropLast(4))] = (text, url.path)
    }
    return try StringsCatalog(shipped: shipped, overrides: overrides)
  }

  /// The release a person names and its translations: a release file (the original or any
  /// translation, as given or inside the workspace), or a slug found in Releases/.
  /// - Throws: `ComposeError` `.release` for a file that cannot be read or is invalid (every
  ///   translation's problems at once), or when nothing has that name.
  package func releaseFamily(_ reference: String) throws -> ReleaseFamily {
    let path = releasePath(reference)
    var files: [String]
    if FileManager.default.fileExists(atPath: path) {
      let slug = Release.slug(naming: path)
      files = ReleaseFamily.files(slug: slug, in: (path as NSString).deletingLastPathComponent)
      // The file as named first in messages, and surely included.
      files.removeAll { ($0 as NSString).lastPathComponent == (path as NSString).lastPathComponent }
      files.insert(path, at: 0)
    } else if !reference.hasSuffix(".md") && !reference.contains("/") {
      files = ReleaseFamily.files(slug: reference, in: releasesDirectory.path)
      guard !files.isEmpty else {
        throw ComposeError(.release, file: reference,
          "is neither a release file nor the slug of one in \(releasesDirectory.path); give the file (Releases/2020-03-31-report.md) or its slug (2020-03-31-report)")
      }
    } else {
      files = [path]  // reading it says it is missing
    }
    var releases: [Release] = []
    var problems: [Diagnostic] = []
    for file in files {
      do { releases.append(try Release(contentsOf: file)) } catch let error as ComposeError { problems += error.diagnostics }
    }
    if !problems.isEmpty { throw ComposeError(.release, problems) }
    return try ReleaseFamily(releases)
  }

  /// Reads a release and its translations and composes each once with this workspace's
  /// templates, settings and words.
  /// - Parameters:
  ///   - reference: a release file (any of the family's) or a slug.
  ///   - signed: whether links are signed with the workspace secret (see `composeRelease`).
  /// - Throws: `ComposeError` with every problem found in the files, or the first in the
  ///   workspace; `WorkspaceError` for the secret.
  package func composeFamily(_ reference: String, configuration: Configuration, signed: Bool = true) throws -> ComposedFamily {
    let templates = try templates()
    let family = try releaseFamily(reference)
    let signer = signed ? try linkSigner() : LinkSigner(secret: (0..<32).map { _ in UInt8.random(in: 0...255) })
    return try ComposedFamily(
      family: family, templates: templates, settings: configuration.compose, signer: signer, strings: try strings(),
      mediaFolder: MediaFolder(directory: mediaDirectory))
  }
}
