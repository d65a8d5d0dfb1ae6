import Foundation
import HeraldCore
import Testing

struct DurableFileTests {
  let folder: URL

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-durable-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  func leftovers() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
  }

  @Test func writesTheBytesWithExactlyTheModeAndLeavesNoTemporaryFile() throws {
    let file = folder.appendingPathComponent("secret")
    let old = umask(0o022)
    defer { umask(old) }
    #expect(try DurableFile.write([1, 2, 3], to: file, mode: 0o600))
    #expect(try Data(contentsOf: file) == Data([1, 2, 3]))
    #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
    // Replacing: the new contents, whole.
    #expect(try DurableFile.write("new", to: file, mode: 0o640))
    #expect(try String(contentsOf: file, encoding: .utf8) == "new")
    #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o640)
    #expect(try leftovers().isEmpty)
  }

  @Test func withoutReplacingAnExistingFileIsKept() throws {
    let file = folder.appendingPathComponent("kept")
    try Data("first".utf8).write(to: file)
    #expect(try DurableFile.write("second", to: file, replacing: false) == false)
    #expect(try String(contentsOf: file, encoding: .utf8) == "first")
    #expect(try leftovers().isEmpty)
  }

  @Test func aWriterThatFailsLeavesTheOldFileAndNothingElse() throws {
    struct Stop: Error {}
    let file = folder.appendingPathComponent("export.csv")
    try Data("old".utf8).write(to: file)
    #expect(throws: Stop.self) {
      try DurableFile.write(to: file) { writer in
        for _ in 0..<10_000 { try writer.write("a row of an export that stops half-way\n") }
        throw Stop()
      }
    }
    #expect(try String(contentsOf: file, encoding: .utf8) == "old")
    #expect(try leftovers().isEmpty)
  }

  @Test func aWriterWritesEveryPieceInOrder() throws {
    let file = folder.appendingPathComponent("big")
    var expected = ""
    try DurableFile.write(to: file) { writer in
      for index in 0..<20_000 {
        let line = "line \(index)\n"
        expected += line
        try writer.write(line)
      }
      #expect(writer.count == expected.utf8.count)
    }
    #expect(try String(contentsOf: file, encoding: .utf8) == expected)
  }

  @Test func aFolderThatCannotBeWrittenIsAFileErrorNamingIt() throws {
    let missing = folder.appendingPathComponent("no/such/folder/file")
    let error = try #require(throws: FileError.self) { try DurableFile.write("x", to: missing) }
    #expect(error.code == .write)
    #expect(error.errorNumber == ENOENT)
    #expect(error.message.contains(missing.deletingLastPathComponent().path))
    #expect((error.underlying as? SystemError)?.number == ENOENT)
  }
}
