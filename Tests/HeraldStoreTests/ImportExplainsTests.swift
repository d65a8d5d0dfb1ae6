import Foundation
@testable import HeraldStore
import Testing

/// What an import tells a press officer about their file: which rows were duplicates, which
/// row counted and what the others would have changed; and headers in the lists' languages.
struct ImportExplainsTests {
  @Test func eachDuplicateNamesTheRowThatCountsAndWhatItWouldHaveChanged() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "press")
    let csv = """
      email,name,organization,beat
      anna@example.org,Anna Schmidt,Example Daily,water
      bob@example.com,Bob Jones,,energy
      ANNA@example.org,Anna S.,Example Daily,energy
      not an address,Nobody,,
      bob@example.com,,,
      anna@example.org,Anna Schmidt,,

      """
    for dryRun in [true, false] {
      let report = try t.store.importCSV(try t.csv(csv), into: "press", dryRun: dryRun)
      #expect(report.duplicates == 3)
      #expect(report.duplicateRows.map(\.line) == [4, 6, 7])
      #expect(report.duplicateRows.map(\.firstLine) == [2, 3, 2])
      #expect(report.duplicateRows[0].email.lowercased() == "anna@example.org")
      // Line 4 would have renamed Anna and changed her beat; the organisation is the same.
      #expect(report.duplicateRows[0].changes == [
        .init(field: "name", kept: "Anna Schmidt", ignored: "Anna S."), .init(field: "beat", kept: "water", ignored: "energy"),
      ])
      #expect(report.duplicateRows[0].changes.map(\.description) == ["name from “Anna Schmidt” to “Anna S.”", "beat from “water” to “energy”"])
      // Empty cells change nothing; the same values neither.
      #expect(report.duplicateRows[1].changes.isEmpty && report.duplicateRows[2].changes.isEmpty)
    }
    // The first row counted.
    #expect(try t.store.profile(email: "anna@example.org").subscriber.attributes["beat"] == "water")
  }

  @Test func aDuplicateOfSomeoneAlreadyInTheStoreComparesWithWhatTheStoreHas() throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "press")
    try t.store.addSubscriber(email: "anna@example.org", name: "Anna", organization: "Old Paper", list: "press", source: .commandLine("t"))
    let csv = "email,name,organization\nanna@example.org,,New Paper\nanna@example.org,,Newer Paper\n"
    let report = try t.store.importCSV(try t.csv(csv), into: "press")
    #expect(report.duplicateRows.count == 1)
    #expect(report.duplicateRows[0].firstLine == 2)
    #expect(report.duplicateRows[0].changes == [.init(field: "organization", kept: "New Paper", ignored: "Newer Paper")])
  }

  @Test(arguments: [
    ("E-post,Namn,Organisation,Språk", "sv"),
    ("Courriel,Nom,Organisme,Langue", "fr"),
    ("Почта,Имя,Организация,Язык", "ru"),
    ("E-Mail-Adresse,Name,Unternehmen,Sprache", "de"),
    ("Correo electrónico,Nombre completo,Empresa,Idioma", "es"),
  ])
  func headersInTheListsLanguagesAreRecognised(header: String, language: String) throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "press")
    let report = try t.store.importCSV(try t.csv("\(header)\nanna@example.org,Anna Schmidt,Example Daily,\(language)\n"), into: "press")
    #expect(report.added == 1)
    let subscriber = try t.store.profile(email: "anna@example.org").subscriber
    #expect(subscriber.name == "Anna Schmidt")
    #expect(subscriber.organization == "Example Daily")
    #expect(subscriber.language == language)
    #expect(subscriber.attributes.isEmpty, "every column was understood: \(subscriber.attributes)")
  }

  @Test(arguments: [
    ("Courriel,Prénom,Nom", "Chloé,Martin", "Chloé Martin"),
    ("Почта,Имя,Фамилия", "Дмитрий,Иванов", "Дмитрий Иванов"),
    ("E-post,Förnamn,Efternamn", "Anna,Svensson", "Anna Svensson"),
  ])
  func aNameSplitInTwoColumnsIsJoinedInTheRightOrder(header: String, cells: String, name: String) throws {
    let t = try TemporaryStore()
    try t.store.createList(name: "press")
    _ = try t.store.importCSV(try t.csv("\(header)\nreader@example.org,\(cells)\n"), into: "press")
    let subscriber = try t.store.profile(email: "reader@example.org").subscriber
    #expect(subscriber.name == name)
    #expect(subscriber.attributes.isEmpty)
  }
}
