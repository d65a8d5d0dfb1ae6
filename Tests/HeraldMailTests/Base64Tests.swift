import Foundation
import HeraldMail
import HeraldTesting
import Testing

struct Base64Tests {
  /// Deterministic bytes of every length that matters for padding and line breaks.
  static func sample(_ count: Int) -> [UInt8] {
    var state: UInt32 = 2_463_534_242
    return (0..<count).map { _ in
      state ^= state << 13
      state ^= state >> 17
      state ^= state << 5
      return UInt8(truncatingIfNeeded: state)
    }
  }

  static let lengths = Array(0...8) + [56, 57, 58, 59, 113, 114, 171, 1000]

  @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
  func encodesTheRFC4648TestVectors(_ input: String, _ expected: String) {
    #expect(String(decoding: Base64.encode(Array(input.utf8)), as: UTF8.self) == expected)
  }

  @Test(arguments: lengths)
  func encodingMatchesFoundation(_ count: Int) {
    let bytes = Self.sample(count)
    #expect(String(decoding: Base64.encode(bytes), as: UTF8.self) == Data(bytes).base64EncodedString())
  }

  @Test(arguments: lengths)
  func urlSafeEncodingRoundTripsWithoutPaddingOrUnsafeCharacters(_ count: Int) {
    let bytes = Self.sample(count)
    let encoded = Base64.encodeURLSafe(bytes)
    #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
    let standard = Data(bytes).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
    #expect(encoded == standard)
    #expect(Base64.decodeURLSafe(encoded) == bytes)
  }

  @Test(arguments: ["a", "abcde", "ab=c", "ab+c", "ab/c", "ab c", "Zg==", "é"])
  func urlSafeDecodingRejectsInvalidText(_ text: String) {
    #expect(Base64.decodeURLSafe(text) == nil)
  }

  @Test(arguments: ["Zh", "Zm9", "Zm9vYh", "AB", "AAB"])
  func urlSafeDecodingRejectsNonCanonicalTrailingBits(_ text: String) {
    // "Zh" and "Zg" would both decode to "f": only the canonical form is accepted,
    // so a token cannot be altered and still verify.
    #expect(Base64.decodeURLSafe(text) == nil)
  }

  @Test(arguments: lengths)
  func mimeBodyHas76CharacterLinesEndingInCRLF(_ count: Int) throws {
    let bytes = Self.sample(count)
    var output: [UInt8] = []
    Base64.appendMIMEBody(bytes, to: &output)
    #expect(output.count == Base64.mimeBodySize(forInputCount: count))
    #expect(Bytes.hasOnlyCRLF(output))
    #expect(count == 0 ? output.isEmpty : output.suffix(2) == [0x0D, 0x0A])
    let lines = Bytes.lines(output)
    for line in lines.dropLast() { #expect(line.count == 76) }
    if let last = lines.last { #expect((1...76).contains(last.count)) }
    let decoded = try python(
      "import sys, base64; sys.stdout.buffer.write(base64.b64decode(sys.stdin.buffer.read().replace(b'\\r\\n', b''), validate=True))",
      stdin: output)
    #expect(decoded == bytes)
  }
}

struct Base32Tests {
  @Test(arguments: [("", ""), ("f", "my"), ("fo", "mzxq"), ("foo", "mzxw6"), ("foob", "mzxw6yq"), ("fooba", "mzxw6ytb"), ("foobar", "mzxw6ytboi")])
  func encodesTheRFC4648TestVectorsInLowercaseWithoutPadding(_ input: String, _ expected: String) {
    #expect(Base32.encode(Array(input.utf8)) == expected)
  }

  @Test(arguments: Base64Tests.lengths)
  func pythonDecodesTheEncodingToTheSameBytes(_ count: Int) throws {
    let bytes = Base64Tests.sample(count)
    let encoded = Base32.encode(bytes)
    #expect(encoded.utf8.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".utf8.contains($0) })
    let decoded = try python(
      """
      import sys, base64
      text = sys.stdin.read().upper()
      sys.stdout.buffer.write(base64.b32decode(text + '=' * (-len(text) % 8)))
      """,
      stdin: Array(encoded.utf8))
    #expect(decoded == bytes)
  }
}
