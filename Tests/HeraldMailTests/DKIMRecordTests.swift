import HeraldMail
import Testing

struct DKIMRecordTests {
  @Test func theNameIsTheSelectorUnderTheDomainsDomainKeyInASCII() throws {
    let key = try DKIMKey.generate(.ed25519)
    let record = try DKIMRecord(selector: "2026-11", domain: "presse.bücher.example", key: key)
    #expect(record.name == "2026-11._domainkey.presse.xn--bcher-kva.example")
    #expect(record.value == key.dnsRecord)
  }

  @Test func aSelectorOrDomainSigningCouldNotUseIsRefused() throws {
    let key = try DKIMKey.generate(.ed25519)
    #expect(throws: MailError.self) { try DKIMRecord(selector: "a b", domain: "example.org", key: key) }
    #expect(throws: MailError.self) { try DKIMRecord(selector: "herald", domain: "exa mple.org", key: key) }
  }

  @Test(arguments: [(1024, 1), (2048, 2), (4096, 3)])
  func anRSARecordIsSplitIntoStringsOfAt255Bytes(_ bits: Int, _ count: Int) throws {
    let record = try DKIMRecord(selector: "herald", domain: "example.org", key: try DKIMKey.generate(.rsa, bits: bits))
    #expect(record.strings.count == count)
    #expect(record.strings.joined() == record.value)
    #expect(record.strings.dropLast().allSatisfy { $0.utf8.count == 255 })
    #expect(record.strings.allSatisfy { $0.utf8.count <= 255 })
  }

  @Test func anEd25519RecordIsOneString() throws {
    let record = try DKIMRecord(selector: "herald", domain: "example.org", key: try DKIMKey.generate(.ed25519))
    #expect(record.strings == [record.value])
  }

  @Test(arguments: [0, 1, 254, 255, 256, 510, 511])
  func stringsSplitAtExactly255Bytes(_ length: Int) {
    let text = String(repeating: "a", count: length)
    let strings = DKIMRecord.strings(text)
    #expect(strings.joined() == text)
    #expect(strings.count == (length + 254) / 255)
    #expect(strings.dropLast().allSatisfy { $0.utf8.count == 255 })
  }

  @Test func aCharacterIsNeverCutInTwo() {
    // 254 ASCII bytes, then "é" (2 bytes): it does not fit in the first string.
    let text = String(repeating: "a", count: 254) + "éz"
    let strings = DKIMRecord.strings(text)
    #expect(strings == [String(repeating: "a", count: 254), "éz"])
  }
}
