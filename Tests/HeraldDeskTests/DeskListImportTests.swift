import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore
import HeraldTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldDesk

/// Importing a CSV by upload: the mapping and the dry run before anything is written, the
/// import in the background with its result, and the refusals; a list's settings.
struct DeskListImportTests {
  static let consent = [("status", "subscribed"), ("note", "signed up at the fair")]

  /// A CSV file in the shapes spreadsheets save: a byte order mark, semicolons, Latin-1.
  static let files: [(name: String, bytes: [UInt8], encoding: String, delimiter: String)] = [
    ("bom.csv", [0xEF, 0xBB, 0xBF] + Array("email,name,organisation,beat\nmarie@example.org,Marie Curie,Le Monde,science\nhans@example.com,Hans,,\n".utf8),
      "UTF-8", "commas"),
    ("semicolons.csv", Array("E-mail;Prénom;Nom;Société\nmarie@example.org;Marie;Curie;Le Monde\nhans@example.com;Hans;Schmidt;\n".utf8), "UTF-8", "semicolons"),
    ("latin1.csv", Array("email;name;organisation\nmarie@example.org;Marie Lefèvre;Le Monde\nhans@example.com;Hans Müller;\n".unicodeScalars.map { UInt8($0.value) }),
      "Latin-1", "semicolons"),
  ]

  @Test(arguments: 0..<3)
  func theUploadShowsTheMappingTheFirstRowsAndTheDryRunAndWritesNothing(index: Int) async throws {
    let file = Self.files[index]
    let (fixture, _) = try DeskSubscribersTests.fixture()
    let before = try DeskSubscribersTests.state(fixture)
    try await fixture.test { client in
      let editor = try await client.signIn("editor@example.org")
      let form = try await client.execute(uri: "/lists/press-test/import", method: .get, headers: editor.headers())
      #expect(form.status == .ok && form.text.contains("enctype=\"multipart/form-data\""))
      let check = try await client.upload("/lists/press-test/import", editor, [UploadFile(name: file.name, bytes: file.bytes, type: "text/csv")], fields: Self.consent)
      #expect(check.status == .ok, "\(check.text.prefix(500))")
      #expect(check.text.contains(file.encoding), "\(file.name)")
      #expect(check.text.contains(file.delimiter), "\(file.name)")
      #expect(check.text.contains("→ Email address"))
      #expect(check.text.contains("Marie"))
      // The dry run: two new subscribers (hans@example.com is new; marie too).
      #expect(check.text.contains("<dt>New subscribers</dt><dd>2</dd>"), "\(file.name)")
      if index == 2 { #expect(check.text.contains("Marie Lefèvre") && check.text.contains("Hans Müller")) }
    }
    #expect(try DeskSubscribersTests.state(fixture) == before)
  }

  @Test func theImportRunsInTheBackgroundAndItsPageShowsTheResult() async throws {
    let (fixture, _) = try DeskSubscribersTests.fixture()
    let csv = Array("email,name\nmarie@example.org,Marie Curie\nnot-an-address,Nobody\nhans@example.org,Hans Schmidt\n".utf8)
    let run = try await fixture.test { client -> String in
      let editor = try await client.signIn("editor@example.org")
      let check = try await client.upload("/lists/press-test/import", editor, [UploadFile(name: "people.csv", bytes: csv, type: "text/csv")], fields: Self.consent)
      #expect(check.status == .ok)
      #expect(check.text.contains("<dt>Rejected (no valid address)</dt><dd>1</dd>"))
      let action = try #require(check.text.firstMatch(of: /action="(\/lists\/press-test\/imports\/\d+)"/))
      let started = try await client.post(String(action.1), editor, [])
      #expect(started.status == .seeOther)
      #expect(started.headers[.location] == String(action.1))
      return String(action.1)
    }
    let id = try #require(Int64(run.split(separator: "/").last ?? ""))
    await fixture.desk.imports.finished(id)
    try await fixture.test { client in
      let editor = try await client.signIn("editor@example.org")
      let result = try await client.execute(uri: run, method: .get, headers: editor.headers())
      #expect(result.status == .ok)
      #expect(result.text.contains("Imported."))
      #expect(result.text.contains("<dt>New subscribers</dt><dd>1</dd>"))
      #expect(result.text.contains("not-an-address"))
      // Started once: a second go-ahead does not import again.
      let again = try await client.post(run, editor, [])
      #expect(again.status == .seeOther)
    }
    let marie = try fixture.mailroom.store.profile(email: "marie@example.org")
    #expect(marie.memberships.first?.status == .subscribed)
    #expect(marie.memberships.first?.source.kind == .importFile)
    #expect(marie.memberships.first?.source.detail.contains("uploaded in the desk by editor@example.org: signed up at the fair") == true)
  }

  @Test func aMalformedFileIsRefusedWithItsLineBesideTheFileField() async throws {
    let (fixture, _) = try DeskSubscribersTests.fixture()
    let before = try DeskSubscribersTests.state(fixture)
    let csv = Array("email,name\nmarie@example.org,Marie\nhans@example.org,\"Hans\n".utf8)
    try await fixture.test { client in
      let editor = try await client.signIn("editor@example.org")
      let response = try await client.upload("/lists/press-test/import", editor, [UploadFile(name: "broken.csv", bytes: csv, type: "text/csv")], fields: Self.consent)
      #expect(response.status == .unprocessableContent)
      #expect(response.text.contains("id=\"file-error\""))
      #expect(response.text.contains("broken.csv:3"), "\(response.text)")
      #expect(!response.text.contains("herald-desk-import-"), "the temporary file is not named")
      let noEmail = try await client.upload(
        "/lists/press-test/import", editor, [UploadFile(name: "names.csv", bytes: Array("name\nMarie\n".utf8), type: "text/csv")], fields: Self.consent)
      #expect(noEmail.status == .unprocessableContent)
      #expect(noEmail.text.contains("no email column"))
      let noNote = try await client.upload(
        "/lists/press-test/import", editor, [UploadFile(name: "people.csv", bytes: Array("email\nm@example.org\n".utf8), type: "text/csv")],
        fields: [("status", "subscribed"), ("note", "")])
      #expect(noNote.status == .unprocessableContent)
      #expect(noNote.text.contains("id=\"note-error\""))
    }
    #expect(try DeskSubscribersTests.state(fixture) == before)
  }

  @Test func viewersAndFormsWithoutTheTokenCannotImport() async throws {
    let (fixture, _) = try DeskSubscribersTests.fixture()
    let before = try DeskSubscribersTests.state(fixture)
    let csv = [UploadFile(name: "people.csv", bytes: Array("email\nm@example.org\n".utf8), type: "text/csv")]
    try await fixture.test { client in
      let viewer = try await client.signIn("viewer@example.org")
      #expect(try await client.execute(uri: "/lists/press-test/import", method: .get, headers: viewer.headers()).status == .forbidden)
      #expect(try await client.upload("/lists/press-test/import", viewer, csv, fields: Self.consent).status == .forbidden)
      let editor = try await client.signIn("editor@example.org")
      #expect(try await client.upload("/lists/press-test/import", editor, csv, fields: Self.consent, csrf: "forged").status == .forbidden)
      let gone = try await client.execute(uri: "/lists/press-test/imports/12345", method: .get, headers: editor.headers())
      #expect(gone.status == .notFound)
      #expect(gone.text.contains("all or nothing"))
    }
    #expect(try DeskSubscribersTests.state(fixture) == before)
  }

  @Test func anEditorCreatesAndChangesAListAndAPublicListMustAskForConfirmation() async throws {
    let (fixture, _) = try DeskSubscribersTests.fixture()
    try await fixture.test { client in
      let viewer = try await client.signIn("viewer@example.org")
      #expect(try await client.post("/lists/new", viewer, [("name", "press-fr"), ("title", "Presse")]).status == .forbidden)
      #expect(try await client.post("/lists/press-test", viewer, [("title", "Changed")]).status == .forbidden)
      let shown = try await client.execute(uri: "/lists/press-test", method: .get, headers: viewer.headers())
      #expect(shown.status == .ok && shown.text.contains(" disabled"))
      let editor = try await client.signIn("editor@example.org")
      let unsafe = try await client.post("/lists/new", editor, [("name", "press-fr"), ("title", "Presse"), ("public", "on")])
      #expect(unsafe.status == .unprocessableContent)
      #expect(unsafe.text.contains("id=\"double_opt_in-error\""))
      let badName = try await client.post("/lists/new", editor, [("name", "Press FR!"), ("title", "Presse")])
      #expect(badName.status == .unprocessableContent)
      #expect(badName.text.contains("id=\"name-error\""))
      let made = try await client.post(
        "/lists/new", editor,
        [("name", "press-fr"), ("title", "Presse"), ("language", "fr"), ("public", "on"), ("double_opt_in", "on"), ("consent", "J’accepte.")])
      #expect(made.status == .seeOther)
      #expect(made.headers[.location] == "/lists/press-fr")
      let changed = try await client.post("/lists/press-fr", editor, [("title", "Presse (FR)"), ("double_opt_in", "on")])
      #expect(changed.status == .ok)
    }
    let list = try fixture.mailroom.store.list(named: "press-fr")
    #expect(list.title == "Presse (FR)" && list.doubleOptIn && !list.isPublic && list.language == nil)
    #expect(try fixture.mailroom.store.lists().count == 2)
  }
}
