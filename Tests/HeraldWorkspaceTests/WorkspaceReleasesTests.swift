import Foundation
import HeraldCompose
import HeraldWorkspace
import Testing

struct WorkspaceReleasesTests {
  @Test func aDraftIsWrittenToReleasesOnceAndNeverOverAFile() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-draft-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = Workspace(root: root)
    try workspace.initialize()
    let settings = try workspace.configuration().compose
    let draft = ReleaseDraft(title: "Record tides", date: ReleaseDate("2021-05-06")!, lists: ["press-en"], settings: settings)
    #expect(workspace.releaseFile(for: draft) == workspace.releasesDirectory.appendingPathComponent("2021-05-06-record-tides.md"))
    #expect(try workspace.write(draft))
    #expect(try String(contentsOf: workspace.releaseFile(for: draft), encoding: .utf8) == draft.text)

    try "edited by hand".write(to: workspace.releaseFile(for: draft), atomically: true, encoding: .utf8)
    #expect(try !workspace.write(draft), "a file of that name is there")
    #expect(try String(contentsOf: workspace.releaseFile(for: draft), encoding: .utf8) == "edited by hand")
  }

  @Test func aPreviewGoesToPreviewSlugInTheWorkspace() {
    let workspace = Workspace(root: URL(fileURLWithPath: "/tmp/newsroom"))
    #expect(workspace.previewDirectory(slug: "2021-05-06-record-tides").path == "/tmp/newsroom/preview/2021-05-06-record-tides")
  }
}
