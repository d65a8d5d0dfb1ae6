import HeraldCompose

/// The files a new workspace starts with, compiled into the binary from
/// Sources/HeraldWorkspace/Resources (the repository's own workspace links to the same files).
public enum WorkspaceDefaults {
  /// A file and its contents.
  public struct File: Sendable {
    /// The path inside the workspace.
    public var path: String
    /// The bytes.
    public var contents: [UInt8]
  }

  /// The sample release's path inside a workspace.
  public static let sampleReleasePath = "Releases/2020-03-31-water-report.md"

  /// The sample list's path inside a workspace.
  public static let sampleListPath = "Lists/press-en.csv"

  /// Every default file.
  public static let files: [File] = [
    File(path: "herald.yml", contents: PackageResources.herald_yml),
    File(path: ".gitignore", contents: PackageResources.gitignore),
    File(path: "Templates/" + ReleaseTemplates.htmlFile, contents: PackageResources.release_html_mustache),
    File(path: "Templates/" + ReleaseTemplates.textFile, contents: PackageResources.release_txt_mustache),
    File(path: sampleReleasePath, contents: PackageResources.sample_release_md),
    File(path: sampleListPath, contents: PackageResources.sample_list_csv),
  ]
}
