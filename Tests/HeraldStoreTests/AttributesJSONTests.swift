import Foundation
import Testing

@testable import HeraldStore

/// Attributes are stored as JSON written and read by hand (for speed): both directions
/// must agree with Foundation's JSON, which is the reference.
struct AttributesJSONTests {
  static let samples: [[String: String]] = [
    [:],
    ["beat": "water"],
    ["quote": "say \"hi\"", "path": "C:\\news\\", "slash": "a/b"],
    ["lines": "one\ntwo\r\n\tthree", "bell": "\u{7}\u{1F}"],
    ["ru": "Отдел науки", "emoji": "📰👨‍👩‍👧", "accent": "Zoë"],
  ]

  @Test(arguments: samples)
  func ourEncodingIsValidJSONThatFoundationReads(_ attributes: [String: String]) throws {
    let json = SubscriberStore.encodeAttributes(attributes)
    #expect(try JSONDecoder().decode([String: String].self, from: Data(json.utf8)) == attributes)
    #expect(SubscriberStore.decodeAttributes(json) == attributes)
  }

  @Test(arguments: samples)
  func weReadWhatFoundationWrites(_ attributes: [String: String]) throws {
    for options: JSONEncoder.OutputFormatting in [[], [.prettyPrinted], [.withoutEscapingSlashes]] {
      let encoder = JSONEncoder()
      encoder.outputFormatting = options
      let json = String(decoding: try encoder.encode(attributes), as: UTF8.self)
      #expect(SubscriberStore.decodeAttributes(json) == attributes, "\(json)")
    }
    // \u escapes, including a surrogate pair, as other tools write them.
    #expect(SubscriberStore.decodeAttributes(#"{"a":"Zo\u00eb \ud83d\udcf0"}"#) == ["a": "Zoë 📰"])
  }
}
