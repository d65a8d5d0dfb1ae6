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

  // MARK: Batches

  func names() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  }

  @Test func aBatchPutsItsFilesInPlaceOnlyWhenCommitted() throws {
    let old = umask(0o022)
    defer { umask(old) }
    let batch = DurableFile.Batch()
    for index in 0..<3 {
      try batch.add(Array("message \(index)".utf8), to: folder.appendingPathComponent("m\(index).eml"), mode: 0o600, replacing: false)
    }
    #expect(batch.count == 3)
    #expect(try names().allSatisfy { $0.hasPrefix(".") }, "nothing under its name before the commit")
    try batch.commit()
    #expect(batch.count == 0)
    #expect(try names() == ["m0.eml", "m1.eml", "m2.eml"])
    for index in 0..<3 {
      let file = folder.appendingPathComponent("m\(index).eml")
      #expect(try String(contentsOf: file, encoding: .utf8) == "message \(index)")
      #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
    }
  }

  @Test(arguments: [DurableFile.Batch.syncWholeFilesystemFrom - 1, DurableFile.Batch.syncWholeFilesystemFrom, 300])
  func batchesSmallAndLargeAreAllWritten(_ count: Int) throws {
    let batch = DurableFile.Batch()
    for index in 0..<count { try batch.add(Array(repeating: UInt8(index % 256), count: 1000), to: folder.appendingPathComponent("f\(index)")) }
    try batch.commit()
    #expect(try names().count == count && leftovers().isEmpty)
    #expect(try Data(contentsOf: folder.appendingPathComponent("f\(count - 1)")) == Data(repeating: UInt8((count - 1) % 256), count: 1000))
  }

  @Test func aBatchThatIsNotCommittedLeavesNothing() throws {
    do {
      let batch = DurableFile.Batch()
      for index in 0..<80 { try batch.add([1, 2, 3], to: folder.appendingPathComponent("f\(index)")) }
    }
    #expect(try names().isEmpty)
    // Part of a batch taken back: the rest is written.
    let batch = DurableFile.Batch()
    try batch.add([1], to: folder.appendingPathComponent("kept"))
    let mark = batch.count
    try batch.add([2], to: folder.appendingPathComponent("dropped-1"))
    try batch.add([3], to: folder.appendingPathComponent("dropped-2"))
    batch.discard(from: mark)
    try batch.commit()
    #expect(try names() == ["kept"])
  }

  @Test(arguments: [1, 100])
  func aFileThatIsThereIsKeptWhenNotReplacingAndReplacedOtherwise(_ count: Int) throws {
    let kept = folder.appendingPathComponent("kept.eml")
    let replaced = folder.appendingPathComponent("replaced.eml")
    try Data("first".utf8).write(to: kept)
    try Data("first".utf8).write(to: replaced)
    let batch = DurableFile.Batch()
    try batch.add(Array("second".utf8), to: kept, replacing: false)
    try batch.add(Array("second".utf8), to: replaced)
    // Written by someone else between the add and the commit: theirs stays too.
    let late = folder.appendingPathComponent("late.eml")
    try batch.add(Array("ours".utf8), to: late, replacing: false)
    try Data("theirs".utf8).write(to: late)
    for index in 3..<max(3, count) { try batch.add([1], to: folder.appendingPathComponent("other-\(index)")) }
    try batch.commit()
    #expect(try String(contentsOf: kept, encoding: .utf8) == "first")
    #expect(try String(contentsOf: replaced, encoding: .utf8) == "second")
    #expect(try String(contentsOf: late, encoding: .utf8) == "theirs")
    #expect(try leftovers().isEmpty)
  }

  @Test func aFileInAFolderThatIsNotThereIsRefusedSayingWhere() throws {
    let batch = DurableFile.Batch()
    let error = try #require(throws: FileError.self) { try batch.add([1], to: folder.appendingPathComponent("missing/file")) }
    #expect("\(error)".contains("missing"))
    #expect(batch.count == 0)
  }

  @Test func aFolderWhoseFoldersAreSpreadSaysSoWhereTheFilesystemCan() throws {
    // lsattr reads ext2/3/4's attributes; where the filesystem has none (tmpfs), the call
    // is best effort and changes nothing.
    func attributes() throws -> String? {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["lsattr", "-d", folder.path]
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = FileHandle.nullDevice
      try process.run()
      let output = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      guard process.terminationStatus == 0 else { return nil }
      return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init)
    }
    FileIO.spreadSubfolders(folder.path)
    FileIO.spreadSubfolders(folder.path)  // again: nothing changes
    guard let flags = try attributes() else { return }
    #expect(flags.contains("T"), "lsattr says \(flags)")
  }
}
