import Testing

@testable import HeraldWeb

/// The Range header read as RFC 9110 §14 asks, for a file of 1,000 bytes.
struct ByteRangeTests {
  @Test(arguments: [
    ("bytes=0-99", ByteRange.part(0...99)), ("bytes=500-", .part(500...999)), ("bytes=-100", .part(900...999)),
    ("bytes=990-2000", .part(990...999)), ("bytes=-5000", .part(0...999)), ("BYTES = 0-0", .whole), ("Bytes=0-0", .part(0...0)),
    ("bytes= 10-19 ", .part(10...19)),
    // Nothing of the file: 416.
    ("bytes=1000-", .unsatisfiable), ("bytes=1000-1001", .unsatisfiable), ("bytes=-0", .unsatisfiable),
    ("bytes=123456789012345678901234567890-", .unsatisfiable),
    // Ignored: the whole file.
    ("bytes=0-9,20-29", .whole), ("bytes=9-2", .whole), ("items=0-9", .whole), ("bytes=", .whole), ("bytes=a-b", .whole),
    ("bytes=-", .whole), ("bytes=1-2-3", .whole), ("bytes=+1-2", .whole),
  ])
  func aRangeHeaderAsksForThatPartOrTheWholeOrNothing(header: String, expected: ByteRange) {
    #expect(ByteRange(header, size: 1_000) == expected, "\(header)")
  }

  @Test func noHeaderIsTheWholeFileAndAnEmptyFileHasNoPart() {
    #expect(ByteRange(nil, size: 10) == .whole)
    #expect(ByteRange("bytes=0-0", size: 0) == .unsatisfiable)
    #expect(ByteRange("bytes=-1", size: 0) == .unsatisfiable)
  }
}

struct ContentDispositionTests {
  @Test func anASCIINameIsQuotedAndOtherNamesAreGivenTwice() {
    #expect(ContentDisposition.value(attachment: false, filename: "photo.jpg") == "inline; filename=\"photo.jpg\"")
    #expect(ContentDisposition.value(attachment: true, filename: "a \"b\".pdf") == "attachment; filename=\"a _b_.pdf\"; filename*=UTF-8''a%20%22b%22.pdf")
    #expect(ContentDisposition.value(attachment: true, filename: "Café.pdf") == "attachment; filename=\"Caf_.pdf\"; filename*=UTF-8''Caf%C3%A9.pdf")
  }
}
