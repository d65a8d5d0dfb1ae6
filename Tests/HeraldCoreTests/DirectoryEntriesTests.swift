import CDirectoryEntries
import Foundation
import Testing

/// Foundation's Process.run on Linux (Swift 6.3.1) copies a whole 256-byte name out of each
/// entry of /proc/self/fd, past the end of the short record readdir returns, and sometimes
/// crashes; the programs' readdir hands out full-size copies instead (CDirectoryEntries).
struct DirectoryEntriesTests {
  @Test func theProgramsReaddirIsTheOneThatCopiesEntriesWhole() {
    #expect(herald_directory_entries_copied() == 1)
  }

  @Test func directoriesStillListAsBefore() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-readdir-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let names = (0..<300).map { "entry-\($0)-" + String(repeating: "x", count: $0 % 200) }
    for name in names { FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: nil) }
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set(names))
    // Many children in a row, each listing /proc/self/fd first.
    for _ in 0..<20 {
      let child = try Process.run(URL(fileURLWithPath: "/bin/true"), arguments: [])
      child.waitUntilExit()
      #expect(child.terminationStatus == 0)
    }
  }
}
