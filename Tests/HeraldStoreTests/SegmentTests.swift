import Foundation
import HeraldCore
@testable import HeraldStore
import Testing

/// Sending to part of a list: conditions on subscribers' columns and imported attributes
/// (`herald send --where`), read from text, and applied by the store's recipients query.
struct SegmentTests {
  /// List "press" (and "other", with one more member) imported from a file with beat,
  /// country and desk attributes, in scripts that SQLite's lower() does not fold.
  private func store() throws -> TemporaryStore {
    let t = try TemporaryStore()
    try t.store.createList(name: "press")
    try t.store.createList(name: "other")
    let csv = """
      email,name,organization,language,Beat,country,desk
      anna@example.org,Anna Schmidt,Example Daily,de,Energy,SE,Daily
      bob@example.com,Bob Jones,The Example Times,en,energy policy,DK,Times
      chloe@example.org,Chloé Martin,Radio Exemple,fr,climate,SE,
      dmitri@example.com,Дмитрий Иванов,Пример-ТВ,ru,ЭНЕРГЕТИКА,RU,ТВ
      eva@example.org,Eva Novák,Example Weekly,cs,water,,Weekly

      """
    _ = try t.store.importCSV(try t.csv(csv), into: "press")
    // Another import wrote the same field in lower case: one field all the same.
    try t.store.addSubscriber(email: "zoe@example.org", attributes: ["beat": "energy", "country": "SE"], list: "other", source: .commandLine("t"))
    return t
  }

  private func emails(_ t: TemporaryStore, _ conditions: [String], lists: [String] = ["press"]) throws -> [String] {
    let audience = SubscriberStore.Audience.lists(lists, where: try conditions.map(SubscriberCondition.init(parsing:)))
    var found: [String] = []
    let count = try t.store.forEachRecipient(audience) { found.append(String($0.subscriber.email.prefix { $0 != "@" })) }
    #expect(try t.store.recipientCount(audience).recipients == count, "the count agrees with the recipients")
    return found
  }

  @Test func equalsComparesAWholeValueWithoutCase() throws {
    let t = try store()
    #expect(try emails(t, ["beat=energy"]) == ["anna"])
    #expect(try emails(t, ["country=se"]) == ["anna", "chloe"])
  }

  @Test func containsFindsTheValueInsideTheField() throws {
    let t = try store()
    #expect(try emails(t, ["beat~ENERG"]) == ["anna", "bob"])
    #expect(try emails(t, ["organization~example"]) == ["anna", "bob", "eva"])
  }

  @Test func differsIncludesThoseWhoDoNotHaveTheField() throws {
    let t = try store()
    #expect(try emails(t, ["country!=SE"]) == ["bob", "dmitri", "eva"])
    #expect(try emails(t, ["desk!=daily"]) == ["bob", "chloe", "dmitri", "eva"])
    // An empty value: those who have none, or those who have one.
    #expect(try emails(t, ["country="]) == ["eva"])
    #expect(try emails(t, ["country!="]) == ["anna", "bob", "chloe", "dmitri"])
  }

  @Test func everyConditionMustHold() throws {
    let t = try store()
    #expect(try emails(t, ["beat~energ", "country=SE"]) == ["anna"])
    #expect(try emails(t, ["beat~energ", "country=SE"], lists: ["press", "other"]) == ["anna", "zoe"])
    #expect(try emails(t, ["beat=energy", "country=DK"]).isEmpty)
  }

  @Test func caseIsFoldedInEveryScriptNotOnlyASCII() throws {
    let t = try store()
    #expect(try emails(t, ["beat=энергетика"]) == ["dmitri"])
    #expect(try emails(t, ["name~дмитрий"]) == ["dmitri"])
    #expect(try emails(t, ["desk=тв"]) == ["dmitri"])
    #expect(try emails(t, ["name~CHLOÉ"]) == ["chloe"])
    // é written as e and a combining accent is the same é.
    #expect(try emails(t, ["name~chloe\u{301}"]) == ["chloe"])
  }

  @Test func columnsAndAttributesAreFieldsAndAttributeNamesIgnoreCase() throws {
    let t = try store()
    #expect(try emails(t, ["language=RU"]) == ["dmitri"])
    #expect(try emails(t, ["email~@example.com"]) == ["bob", "dmitri"])
    #expect(try emails(t, ["domain=example.com"]) == ["bob", "dmitri"])
    #expect(try emails(t, ["organisation~radio"]) == ["chloe"])
    #expect(try emails(t, ["BEAT=water"]) == ["eva"])  // the attribute was imported as "Beat"
    #expect(try emails(t, ["Country=dk"]) == ["bob"])
  }

  @Test func anUnknownFieldIsAnErrorThatNamesItAndTheOneMeant() throws {
    let t = try store()
    let error = try #require(throws: StoreError.self) { try emails(t, ["beet=energy"]) }
    #expect(error.code == .invalidInput)
    #expect(error.message.contains("“beet”") && error.message.contains("did you mean “Beat”?"), "\(error.message)")
    #expect(error.message.contains("“country”") && error.message.contains("“organization”"))
  }

  @Test func valuesAndFieldsAreDataNotSQL() throws {
    let t = try store()
    #expect(try emails(t, ["beat=x' OR '1'='1"]).isEmpty)
    #expect(throws: StoreError.self) { try emails(t, ["name) OR 1=1 --=x"]) }
  }

  @Test(arguments: [
    ("beat=energy", SubscriberCondition("beat", .equals, "energy")),
    ("outlet~Times", SubscriberCondition("outlet", .contains, "Times")),
    ("country!=SE", SubscriberCondition("country", .differs, "SE")),
    (" beat = energy policy ", SubscriberCondition("beat", .equals, "energy policy")),
    ("note=a=b", SubscriberCondition("note", .equals, "a=b")),
    ("note~x!=y", SubscriberCondition("note", .contains, "x!=y")),
    ("country=", SubscriberCondition("country", .equals, "")),
  ])
  func aConditionIsReadFromFieldOperatorValue(text: String, expected: SubscriberCondition) throws {
    #expect(try SubscriberCondition(parsing: text) == expected)
  }

  @Test(arguments: ["beat", "=energy", "beat!energy", "beat~", " ~x"])
  func aTextThatIsNotAConditionIsAnErrorThatSaysHowToWriteOne(text: String) throws {
    let error = try #require(throws: StoreError.self) { try SubscriberCondition(parsing: text) }
    #expect(error.message.contains("“\(text)”"), "\(error.message)")
  }

  @Test func theRuleInSwiftAgreesWithTheQuery() {
    #expect(SubscriberCondition("beat", .equals, "ЭНЕРГИЯ").matches("энергия"))
    #expect(SubscriberCondition("beat", .contains, "ерг").matches("ЭНЕРГИЯ"))
    #expect(SubscriberCondition("country", .differs, "SE").matches(nil))
    #expect(!SubscriberCondition("country", .equals, "SE").matches(nil))
  }

  @Test func aCampaignKeepsItsConditions() throws {
    let t = try store()
    let campaign = CampaignID(release: "r", started: Date(timeIntervalSince1970: 1_800_000_000))
    let conditions = [SubscriberCondition("beat", .contains, "energy"), SubscriberCondition("country", .differs, "SE")]
    try t.store.recordConditions(conditions, of: campaign)
    #expect(try t.store.conditions(ofCampaign: campaign) == conditions)
    #expect(try t.store.conditions(ofCampaign: CampaignID(release: "other", started: Date())).isEmpty)
  }
}
