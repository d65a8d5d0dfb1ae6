/// What the classifier must know about this workspace: its own addresses and the
/// languages its readers write in.
package struct ClassifierContext: Sendable {
  /// The List-Unsubscribe mailto addresses (herald.yml's `unsubscribe_address`), lowercased.
  package var unsubscribeAddresses: [String]
  /// The workspace's own From and Reply-To addresses, lowercased.
  package var ownAddresses: [String] {
    didSet { ownIDSuffixes = Self.idSuffixes(ownAddresses) }
  }
  /// "@domain>" for each domain of `ownAddresses`: how the Message-IDs we write end.
  private(set) var ownIDSuffixes: [[UInt8]] = []
  /// The languages of the configured lists ("en", "de", "fr"), whose words for "take me off
  /// the list" are recognised; English is always included.
  package var languages: [String]

  /// Makes a context; addresses are lowercased, language tags reduced to their language
  /// ("de-AT" is "de") and English added.
  package init(unsubscribeAddresses: [String] = [], ownAddresses: [String] = [], languages: [String] = ["en"]) {
    self.unsubscribeAddresses = unsubscribeAddresses.map { $0.lowercased() }
    self.ownAddresses = ownAddresses.map { $0.lowercased() }
    self.ownIDSuffixes = Self.idSuffixes(self.ownAddresses)
    var languages = languages.map { tag in
      String(tag.lowercased().prefix { $0 != "-" && $0 != "_" })
    }
    if !languages.contains("en") { languages.insert("en", at: 0) }
    self.languages = languages
  }

  private static func idSuffixes(_ addresses: [String]) -> [[UInt8]] {
    Array(Set(addresses.compactMap(Classifier.domain))).sorted().map { Array("@\($0.lowercased())>".utf8) }
  }
}
