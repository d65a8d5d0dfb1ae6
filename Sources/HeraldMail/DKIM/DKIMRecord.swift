/// The DNS TXT record that publishes a DKIM key (RFC 6376 §3.6.2): its name,
/// `SELECTOR._domainkey.DOMAIN`, and its value, `v=DKIM1; k=rsa; p=…`.
public struct DKIMRecord: Sendable, Hashable {
  /// The longest character-string a TXT record holds, in bytes (RFC 1035 §3.3).
  public static let maximumStringLength = 255

  /// `SELECTOR._domainkey.DOMAIN`, in ASCII, without the final dot.
  public let name: String
  /// The record's text: `v=DKIM1; k=ed25519; p=11qYAYKx…`.
  public let value: String

  /// The record of the key a signer signs with: its name as the signature's s= and d= say.
  public init(signer: DKIMSigner) {
    name = "\(signer.selector)._domainkey.\(signer.domain)"
    value = signer.key.dnsRecord
  }

  /// The record of `key` for a selector and domain, checked as signing checks them.
  /// - Throws: `MailError` `.invalidHeader` for a domain or selector that cannot be used.
  public init(selector: String, domain: String, key: DKIMKey) throws {
    self.init(signer: try DKIMSigner(domain: domain, selector: selector, key: key))
  }

  /// The value as a zone file or DNS console needs it: character-strings of at most 255
  /// bytes each (RFC 1035 §3.3.14), which resolvers join back together (RFC 6376 §3.6.2.2).
  /// An RSA 2048-bit key's value needs two.
  public var strings: [String] {
    Self.strings(value)
  }

  /// `text` cut into character-strings of at most 255 bytes, never inside a character.
  public static func strings(_ text: String) -> [String] {
    var strings: [String] = []
    var current = ""
    var length = 0
    for character in text {
      let size = character.utf8.count
      if length + size > maximumStringLength, !current.isEmpty {
        strings.append(current)
        current = ""
        length = 0
      }
      current.append(character)
      length += size
    }
    if !current.isEmpty { strings.append(current) }
    return strings
  }
}
