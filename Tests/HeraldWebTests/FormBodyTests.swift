import Foundation
import Testing

@testable import HeraldWeb

struct FormBodyTests {
  static let urlencoded = "application/x-www-form-urlencoded"

  static func parse(_ body: String, _ contentType: String?, limits: FormLimits = .init()) throws -> FormBody {
    try FormBody.parse(Array(body.utf8), contentType: contentType, limits: limits)
  }

  static func pairs(_ form: FormBody) -> [String] {
    form.fields.map { "\($0.name)=\($0.value)" }
  }

  static func code(_ body: [UInt8], _ contentType: String?, limits: FormLimits = .init()) -> FormBodyError.Code? {
    do {
      _ = try FormBody.parse(body, contentType: contentType, limits: limits)
      return nil
    } catch let error as FormBodyError {
      return error.code
    } catch {
      Issue.record("unexpected error \(error)")
      return nil
    }
  }

  static func code(_ body: String, _ contentType: String?, limits: FormLimits = .init()) -> FormBodyError.Code? {
    code(Array(body.utf8), contentType, limits: limits)
  }

  // MARK: RFC 8058 one-click unsubscribe

  @Test func oneClickUnsubscribeAsGmailSendsIt() throws {
    // POST with "Content-Type: application/x-www-form-urlencoded" and these 26 bytes.
    let body: [UInt8] = Array("List-Unsubscribe=One-Click".utf8)
    #expect(body.count == 26)
    let form = try FormBody.parse(body, contentType: "application/x-www-form-urlencoded")
    #expect(form["List-Unsubscribe"] == "One-Click")
    #expect(form.fields.count == 1)
  }

  @Test func oneClickUnsubscribeAsCurlDashFSendsIt() throws {
    // What `curl -F 'List-Unsubscribe=One-Click'` (7.88) sends, byte for byte.
    let contentType = "multipart/form-data; boundary=------------------------8ee5f51b42ec31c6"
    let body: [UInt8] = Array(
      ("--------------------------8ee5f51b42ec31c6\r\n"
        + "Content-Disposition: form-data; name=\"List-Unsubscribe\"\r\n"
        + "\r\n"
        + "One-Click\r\n"
        + "--------------------------8ee5f51b42ec31c6--\r\n").utf8)
    #expect(body.count == 160)  // curl's Content-Length
    let form = try FormBody.parse(body, contentType: contentType)
    #expect(Self.pairs(form) == ["List-Unsubscribe=One-Click"])
  }

  // MARK: application/x-www-form-urlencoded

  @Test func urlencodedFieldsAreDecodedInOrder() throws {
    let form = try Self.parse("name=Ana+Mar%C3%ADa&email=ana%40example.org&topic=&flag&name=second&a%2Bb=1%2B1%3D2", Self.urlencoded)
    #expect(
      Self.pairs(form) == ["name=Ana María", "email=ana@example.org", "topic=", "flag=", "name=second", "a+b=1+1=2"])
    #expect(form["name"] == "Ana María")
    #expect(form["topic"] == "")
    #expect(form["missing"] == nil)
  }

  @Test func emptyPiecesAndEmptyBodyAreNoFields() throws {
    #expect(try Self.parse("", Self.urlencoded).fields.isEmpty)
    #expect(Self.pairs(try Self.parse("&&a=1&&", Self.urlencoded)) == ["a=1"])
  }

  @Test func valueMayHoldEqualsSignsAndLineBreaks() throws {
    // Line breaks are LF from the door on (issue 14): CRLF and a lone CR alike.
    #expect(Self.pairs(try Self.parse("q=a=b%0D%0Ac%0Dd", Self.urlencoded)) == ["q=a=b\nc\nd"])
  }

  @Test(arguments: ["%", "a=%", "a=%4", "a=%zz", "a=%G1", "a=1%2", "a=%%41", "%x=1"])
  func brokenPercentEscapeIsMalformed(_ body: String) {
    #expect(Self.code(body, Self.urlencoded) == .malformed)
  }

  @Test func brokenEscapeIsNamedInTheMessage() {
    let error = #expect(throws: FormBodyError.self) { try Self.parse("a=1&b=%zz", Self.urlencoded) }
    #expect(error?.message.contains("%zz") == true)
  }

  @Test(arguments: [[UInt8]("a=%FF".utf8), [UInt8]("a=%C3".utf8), [UInt8]("%C3%28=1".utf8), [0x61, 0x3D, 0xC3], [0xE9, 0x3D, 0x31]])
  func nonUTF8IsMalformed(_ body: [UInt8]) {
    #expect(Self.code(body, Self.urlencoded) == .malformed)
  }

  @Test(arguments: [
    "application/x-www-form-urlencoded; charset=UTF-8", "Application/X-WWW-Form-URLEncoded;charset=\"utf-8\"",
    "application/x-www-form-urlencoded ; charset=us-ascii", "application/x-www-form-urlencoded; foo=bar",
  ])
  func utf8CharsetAndOtherParametersAreAccepted(_ contentType: String) throws {
    #expect(try Self.parse("a=%C3%A9", contentType)["a"] == "é")
  }

  @Test(arguments: [
    "application/x-www-form-urlencoded; charset=ISO-8859-1", "application/x-www-form-urlencoded; charset=\"windows-1252\"",
  ])
  func otherCharsetIsUnsupported(_ contentType: String) {
    #expect(Self.code("a=1", contentType) == .unsupportedType)
  }

  @Test(arguments: [nil, "", " ", "text/plain", "application/json", "multipart/mixed; boundary=b", "application/x-www-form-urlencodedx"])
  func otherTypesAreUnsupported(_ contentType: String?) {
    #expect(Self.code("a=1", contentType) == .unsupportedType)
  }

  @Test func unsupportedTypeMessageNamesWhatToSend() {
    let error = #expect(throws: FormBodyError.self) { try Self.parse("{}", "application/json") }
    #expect(error?.message.contains("application/json") == true)
    #expect(error?.message.contains("application/x-www-form-urlencoded") == true)
  }

  @Test func unclosedQuoteInContentTypeIsMalformed() {
    #expect(Self.code("a=1", "application/x-www-form-urlencoded; charset=\"utf-8") == .malformed)
  }

  // MARK: Limits

  @Test func bodyOverTheLimitIsTooLarge() {
    let limits = FormLimits(maximumBytes: 10)
    #expect(Self.code("a=12345678", Self.urlencoded, limits: limits) == nil)
    #expect(Self.code("a=123456789", Self.urlencoded, limits: limits) == .tooLarge)
    #expect(Self.code(String(repeating: "a", count: 16_385), "text/plain") == .tooLarge)
  }

  @Test func tooManyFieldsIsTooLarge() {
    let limits = FormLimits(maximumFields: 3)
    #expect(Self.code("a=1&b=2&c=3", Self.urlencoded, limits: limits) == nil)
    #expect(Self.code("a=1&b=2&c=3&d=4", Self.urlencoded, limits: limits) == .tooLarge)
    let many = (0..<65).map { "f\($0)=1" }.joined(separator: "&")
    #expect(Self.code(many, Self.urlencoded) == .tooLarge)
    let multipart = (0..<4).map { "--b\r\nContent-Disposition: form-data; name=\"f\($0)\"\r\n\r\nx\r\n" }.joined() + "--b--\r\n"
    #expect(Self.code(multipart, "multipart/form-data; boundary=b", limits: limits) == .tooLarge)
  }

  @Test func fieldOverTheLimitIsTooLarge() {
    let limits = FormLimits(maximumFieldBytes: 4)
    #expect(Self.code("abcd=wxyz", Self.urlencoded, limits: limits) == nil)
    #expect(Self.code("a=%C3%A9%C3%A9", Self.urlencoded, limits: limits) == nil)  // 4 bytes decoded
    #expect(Self.code("a=vwxyz", Self.urlencoded, limits: limits) == .tooLarge)
    #expect(Self.code("abcde=1", Self.urlencoded, limits: limits) == .tooLarge)
    let multipart = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvwxyz\r\n--b--\r\n"
    #expect(Self.code(multipart, "multipart/form-data; boundary=b", limits: limits) == .tooLarge)
  }

  // MARK: multipart/form-data

  static let browserBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
  static let browserBody =
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    + "Content-Disposition: form-data; name=\"email\"\r\n"
    + "\r\n"
    + "editor@example.org\r\n"
    + "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    + "Content-Disposition: form-data; name=\"message\"\r\n"
    + "\r\n"
    + "Hello,\r\n\r\n--line two, not a boundary\r\n"
    + "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    + "Content-Disposition: form-data; name=\"empty\"\r\n"
    + "\r\n"
    + "\r\n"
    + "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n"

  @Test func browserMultipartIsRead() throws {
    let form = try Self.parse(Self.browserBody, "multipart/form-data; boundary=\(Self.browserBoundary)")
    #expect(
      Self.pairs(form) == ["email=editor@example.org", "message=Hello,\n\n--line two, not a boundary", "empty="])
  }

  @Test func bareLineFeedsAreTolerated() throws {
    let body = Self.browserBody.replacingOccurrences(of: "\r\n", with: "\n")
    let form = try Self.parse(body, "multipart/form-data; boundary=\(Self.browserBoundary)")
    #expect(Self.pairs(form) == ["email=editor@example.org", "message=Hello,\n\n--line two, not a boundary", "empty="])
  }

  @Test(arguments: [
    "multipart/form-data; boundary=\"simple boundary\"", "Multipart/Form-Data;Boundary=\"simple boundary\"; charset=utf-8",
  ])
  func quotedBoundaryMayHoldSpaces(_ contentType: String) throws {
    let body = "--simple boundary\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--simple boundary--"
    #expect(Self.pairs(try Self.parse(body, contentType)) == ["a=1"])
  }

  @Test func preambleEpilogueAndTransportPaddingAreIgnored() throws {
    let body =
      "This preamble mentions --b but not at the start of a line.\r\n--b  \t\r\n"
      + "Content-Disposition: form-data; name=\"a\"\r\nX-Other: yes\r\n\r\n1\r\n--b--\r\nThis is an epilogue.\r\n--b\r\n"
    #expect(Self.pairs(try Self.parse(body, "multipart/form-data; boundary=b")) == ["a=1"])
  }

  @Test func valueRightAfterTheBlankLineMayBeEmptyWithoutItsLineBreak() throws {
    let body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--"
    #expect(Self.pairs(try Self.parse(body, "multipart/form-data; boundary=b")) == ["a=", "c=3"])
  }

  @Test func closingBoundaryAloneIsAnEmptyForm() throws {
    #expect(try Self.parse("--b--\r\n", "multipart/form-data; boundary=b").fields.isEmpty)
  }

  @Test func partHeadersAreCaseInsensitiveFoldedAndQuoted() throws {
    let body =
      "--b\r\ncontent-disposition: FORM-DATA;\r\n name=\"with \\\"quotes\\\" and ; semicolon\"\r\n"
      + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nvalue\r\n--b--"
    #expect(Self.pairs(try Self.parse(body, "multipart/form-data; boundary=b")) == ["with \"quotes\" and ; semicolon=value"])
  }

  @Test func utf8NamesAndValuesAreRead() throws {
    let body = "--b\r\nContent-Disposition: form-data; name=\"prénom\"\r\n\r\nZoë 🐦\r\n--b--\r\n"
    #expect(try Self.parse(body, "multipart/form-data; boundary=b")["prénom"] == "Zoë 🐦")
  }

  @Test(arguments: [
    "Content-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\nContent-Type: application/pdf",
    "Content-Disposition: form-data; name=\"cv\"; filename=\"\"",
    "Content-Disposition: form-data; name=\"cv\"; filename*=UTF-8''cv.pdf",
    "Content-Disposition: form-data; name=\"a\"\r\nContent-Type: text/plain; charset=iso-8859-1",
    "Content-Disposition: form-data; name=\"a\"\r\nContent-Transfer-Encoding: base64",
    "Content-Disposition: form-data; name=\"a\"\r\nContent-Transfer-Encoding: quoted-printable",
  ])
  func filesAndEncodedPartsAreUnsupported(_ headers: String) {
    let body = "--b\r\n\(headers)\r\n\r\nYWJj\r\n--b--\r\n"
    #expect(Self.code(body, "multipart/form-data; boundary=b") == .unsupportedType)
  }

  @Test func fileRefusalNamesTheField() {
    let body = "--b\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\n\r\n%PDF\r\n--b--\r\n"
    let error = #expect(throws: FormBodyError.self) { try Self.parse(body, "multipart/form-data; boundary=b") }
    #expect(error?.message.contains("“cv”") == true)
    #expect(error?.message.contains("cv.pdf") == true)
  }

  @Test(arguments: [
    // The closing boundary is missing or cut short.
    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n",
    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b",
    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\n",
    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",
    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n",
    "--b\r\n",
    "--b",
    // No boundary line at all, or another boundary.
    "",
    "a=1",
    "--c\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--c--\r\n",
    "---b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n---b--\r\n",
    // A boundary line with other text after it, or a closing one with one dash.
    "--bb\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--bb--\r\n",
    "--b-\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n",
    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b-",
    // Parts that name no field.
    "--b\r\n\r\n1\r\n--b--\r\n",
    "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--\r\n",
    "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--b--\r\n",
    "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--\r\n",
    "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--b--\r\n",
    // A header line without a colon.
    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nnonsense\r\n\r\n1\r\n--b--\r\n",
  ])
  func brokenMultipartIsMalformed(_ body: String) {
    #expect(Self.code(body, "multipart/form-data; boundary=b") == .malformed)
  }

  @Test func missingClosingBoundaryIsNamedInTheMessage() {
    let error = #expect(throws: FormBodyError.self) {
      try Self.parse("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n", "multipart/form-data; boundary=b")
    }
    #expect(error?.code == .malformed)
    #expect(error?.message.contains("“--b--”") == true)
  }

  @Test(arguments: [
    "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
    "multipart/form-data; boundary=\(String(repeating: "x", count: 71))", "multipart/form-data; boundary",
  ])
  func missingOrOverlongBoundaryParameterIsMalformed(_ contentType: String) {
    #expect(Self.code("--b--\r\n", contentType) == .malformed)
  }

  @Test func nonUTF8PartIsMalformed() {
    var body = Array("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n".utf8)
    body += [0xC3, 0x28]
    body += Array("\r\n--b--\r\n".utf8)
    #expect(Self.code(body, "multipart/form-data; boundary=b") == .malformed)
    var header = Array("--b\r\nContent-Disposition: form-data; name=\"".utf8)
    header += [0xFF]
    header += Array("\"\r\n\r\n1\r\n--b--\r\n".utf8)
    #expect(Self.code(header, "multipart/form-data; boundary=b") == .malformed)
  }

  // MARK: Robustness

  /// SplitMix64: the same bytes on every run.
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  @Test func everyTruncationOfAValidBodyReturnsOrThrows() throws {
    let contentType = "multipart/form-data; boundary=\(Self.browserBoundary)"
    let body = Array(Self.browserBody.utf8)
    var read = 0
    for length in 0...body.count {
      if Self.code(Array(body.prefix(length)), contentType) == nil { read += 1 }
      _ = Self.code(Array(body.suffix(length)), contentType)
    }
    // Only the whole body, and cuts inside its epilogue (the final CRLF), are complete.
    #expect(read == 3)
    let lf = Array(Self.browserBody.replacingOccurrences(of: "\r\n", with: "\n").utf8)
    for length in 0...lf.count { _ = Self.code(Array(lf.prefix(length)), contentType) }
  }

  @Test func randomBytesReturnOrThrow() {
    var generator = Generator(state: 7)
    let alphabet = Array("-\r\n\"=;:&%+ab\\ ".utf8) + [0x00, 0xC3, 0xFF]
    for round in 0..<3000 {
      let length = Int.random(in: 0..<200, using: &generator)
      let body: [UInt8] = (0..<length).map { _ in
        round % 2 == 0 ? UInt8.random(in: 0...255, using: &generator) : alphabet.randomElement(using: &generator)!
      }
      _ = Self.code(body, "multipart/form-data; boundary=b")
      _ = Self.code(body, "multipart/form-data; boundary=\"-\"")
      _ = Self.code(body, Self.urlencoded)
      if let type = String(validating: body, as: UTF8.self) { _ = Self.code([], type) }
    }
  }

  @Test func mutatedValidBodiesReturnOrThrow() {
    var generator = Generator(state: 42)
    let contentType = "multipart/form-data; boundary=\(Self.browserBoundary)"
    let original = Array(Self.browserBody.utf8)
    let interesting = Array("-\r\n\":;".utf8)
    for _ in 0..<5000 {
      var body = original
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        let index = Int.random(in: 0..<body.count, using: &generator)
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: body[index] = interesting.randomElement(using: &generator)!
        case 1: body.remove(at: index)
        default: body.insert(UInt8.random(in: 0...255, using: &generator), at: index)
        }
      }
      _ = Self.code(body, contentType)
    }
  }
}
