import Foundation
import HeraldWeb
import Testing

/// The streaming multipart/form-data reader of the desk's uploads, on its own: bodies made
/// here, fed whole and in pieces of every size.
struct MultipartFormTests {
  static let boundary = "----HeraldBoundary7MA4YWxkTrZu0gW"

  /// A multipart body of `parts` (headers lines, value), closed unless `closed` is false.
  static func body(_ parts: [(headers: [String], value: [UInt8])], closed: Bool = true, boundary: String = boundary) -> [UInt8] {
    var bytes: [UInt8] = []
    for part in parts {
      bytes += Array("--\(boundary)\r\n".utf8)
      for header in part.headers { bytes += Array("\(header)\r\n".utf8) }
      bytes += Array("\r\n".utf8) + part.value + Array("\r\n".utf8)
    }
    if closed { bytes += Array("--\(boundary)--\r\n".utf8) }
    return bytes
  }

  /// The parts the parser finds in `body` fed `size` bytes at a time, with each value whole.
  static func parts(_ body: [UInt8], chunk size: Int, configure: (inout MultipartFormParser) -> Void = { _ in }) throws -> [(MultipartFormParser.Part, [UInt8])] {
    var parser = MultipartFormParser(boundary: boundary)
    configure(&parser)
    var found: [(MultipartFormParser.Part, [UInt8])] = []
    var open = false
    var start = 0
    while start < body.count {
      let events = try parser.feed(body[start..<min(start + size, body.count)])
      for event in events {
        switch event {
        case .part(let part):
          #expect(!open, "a part started inside another")
          found.append((part, []))
          open = true
        case .bytes(let bytes):
          #expect(open, "bytes outside a part")
          found[found.count - 1].1 += bytes
        case .end:
          open = false
        }
      }
      start += size
    }
    try parser.finish()
    #expect(!open)
    return found
  }

  static let photo: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("\r\n--not-the-boundary\r\n".utf8) + (0..<600).map { UInt8($0 % 256) } + [0xFF, 0xD9]

  @Test(arguments: [1, 2, 3, 7, 41, 64, 1000, 100_000])
  func readsFieldsAndFilesWhateverTheChunkSize(chunk: Int) throws {
    let body = Self.body([
      (["Content-Disposition: form-data; name=\"csrf\""], Array("token-123".utf8)),
      (["Content-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"", "Content-Type: image/jpeg"], Self.photo),
      (["Content-Disposition: form-data; name=\"file\"; filename=\"empty.pdf\""], []),
    ])
    let parts = try Self.parts(body, chunk: chunk)
    #expect(parts.count == 3)
    #expect(parts[0].0 == .init(name: "csrf", fileName: nil, contentType: nil))
    #expect(parts[0].1 == Array("token-123".utf8))
    #expect(parts[1].0 == .init(name: "file", fileName: "photo.jpg", contentType: "image/jpeg"))
    #expect(parts[1].1 == Self.photo)
    #expect(parts[2].0.fileName == "empty.pdf")
    #expect(parts[2].1.isEmpty)
  }

  @Test(arguments: [4_096, 65_536, 1_000_000])
  func readsALargeBinaryFileWhole(chunk: Int) throws {
    var generator = SystemRandomNumberGenerator()
    let file = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let body = Self.body([
      (["Content-Disposition: form-data; name=\"csrf\""], Array("t".utf8)),
      (["Content-Disposition: form-data; name=\"file\"; filename=\"big.bin\""], file),
    ])
    let parts = try Self.parts(body, chunk: chunk)
    #expect(parts.count == 2)
    #expect(parts[1].1 == file)
  }

  @Test func readsTheBoundaryFromTheContentType() throws {
    var parser = try MultipartFormParser(contentType: "multipart/form-data; boundary=\"\(Self.boundary)\"")
    let events = try parser.feed(Self.body([(["Content-Disposition: form-data; name=\"a\""], Array("b".utf8))]))
    #expect(events == [.part(.init(name: "a", fileName: nil, contentType: nil)), .bytes(Array("b".utf8)), .end])
    try parser.finish()
  }

  @Test(arguments: [
    ("filename=\"quote\\\"d.jpg\"", "quote\"d.jpg"),
    ("filename=\"a%22b.jpg\"", "a\"b.jpg"),
    ("filename=\"%D1%84%D0%BE%D1%82%D0%BE.jpg\"", "фото.jpg"),
    ("filename=\"fallback.jpg\"; filename*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE.jpg", "фото.jpg"),
    ("filename*=utf-8'ru'%D1%84.pdf", "ф.pdf"),
    ("filename=\"фото.jpg\"", "фото.jpg"),
    ("filename=\"semi;colon.jpg\"", "semi;colon.jpg"),
  ])
  func readsQuotedAndEncodedFileNames(disposition: String, expected: String) throws {
    let body = Self.body([(["Content-Disposition: form-data; name=\"file\"; \(disposition)"], [1, 2, 3])])
    let parts = try Self.parts(body, chunk: 5)
    #expect(parts.first?.0.fileName == expected)
  }

  @Test func aBodyWithoutItsClosingBoundaryIsAnError() throws {
    let body = Self.body([(["Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\""], Array("%PDF-1.4".utf8))], closed: false)
    let error = try #require(throws: FormBodyError.self) { try Self.parts(body, chunk: 16) }
    #expect(error.code == .malformed)
    #expect(error.message.contains("closing boundary"))
  }

  @Test func aBodyWithNoBoundaryAtAllIsAnError() throws {
    let error = try #require(throws: FormBodyError.self) { try Self.parts(Array("just text".utf8), chunk: 4) }
    #expect(error.code == .malformed)
  }

  @Test func aFieldOverItsLimitIsRefused() throws {
    let body = Self.body([(["Content-Disposition: form-data; name=\"csrf\""], Array(repeating: UInt8(ascii: "a"), count: 2_000))])
    let error = try #require(throws: FormBodyError.self) { try Self.parts(body, chunk: 300) { $0.fieldBytes = 1_000 } }
    #expect(error.code == .tooLarge)
    // A file part of the same size is not a field: its limit is the body's.
    let file = Self.body([(["Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\""], Array(repeating: UInt8(ascii: "a"), count: 2_000))])
    #expect(try Self.parts(file, chunk: 300) { $0.fieldBytes = 1_000 }.first?.1.count == 2_000)
  }

  @Test func headersOverTheirLimitAreRefused() throws {
    let long = "X-Padding: " + String(repeating: "p", count: 10_000)
    let body = Self.body([(["Content-Disposition: form-data; name=\"a\"", long], [1])])
    let error = try #require(throws: FormBodyError.self) { try Self.parts(body, chunk: 512) }
    #expect(error.code == .tooLarge)
  }

  @Test func tooManyPartsAreRefused() throws {
    let body = Self.body(Array(repeating: (["Content-Disposition: form-data; name=\"a\""], [UInt8(ascii: "b")]), count: 5))
    let error = try #require(throws: FormBodyError.self) { try Self.parts(body, chunk: 64) { $0.maximumParts = 4 } }
    #expect(error.code == .tooLarge)
  }

  @Test(arguments: [
    [String](),
    ["Content-Disposition: attachment; name=\"a\""],
    ["Content-Disposition: form-data"],
    ["Content-Disposition: form-data; name=\"a\"", "Content-Transfer-Encoding: base64"],
    ["no colon here"],
  ])
  func aPartWithoutAUsableDispositionIsRefused(headers: [String]) throws {
    let body = Self.body([(headers, [1, 2])])
    #expect(throws: FormBodyError.self) { try Self.parts(body, chunk: 8) }
  }

  @Test func textAfterABoundaryOnItsLineIsRefused() throws {
    var body = Array("--\(Self.boundary)garbage\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--\(Self.boundary)--\r\n".utf8)
    body = Array(body)
    #expect(throws: FormBodyError.self) { try Self.parts(body, chunk: 1000) }
  }

  @Test func thePreambleAndEpilogueAreIgnored() throws {
    let body = Array("This is a preamble.\r\n".utf8) + Self.body([(["Content-Disposition: form-data; name=\"a\""], Array("b".utf8))])
      + Array("epilogue --\(Self.boundary)\r\n".utf8)
    let parts = try Self.parts(body, chunk: 3)
    #expect(parts.count == 1)
    #expect(parts[0].1 == Array("b".utf8))
  }

  @Test(arguments: [nil, "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=\"\""])
  func anotherContentTypeOrNoBoundaryIsRefused(contentType: String?) throws {
    #expect(throws: FormBodyError.self) { try MultipartFormParser(contentType: contentType) }
  }
}
