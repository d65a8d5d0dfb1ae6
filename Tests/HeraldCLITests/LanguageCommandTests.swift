import Foundation
import HeraldDelivery
import HeraldTesting
import Testing

/// End-to-end: the sample release and its Russian translation (Releases/2020-03-31-water-report
/// .md and .ru.md) sent with the built `herald` to Herald's capture sink on 127.0.0.1; each
/// reader gets their language, the report counts per language, a correction follows it.
struct LanguageCommandTests {
  let root: URL
  let sink: CaptureSink

  init() throws {
    root = try HeraldProcess.workspace()
    #expect(try HeraldProcess.run(["lists", "create", "press-en"], in: root).status == 0)
    // The sample list: Dmitri Ivanov's language is ru; the others' en, de, fr, cs, ja.
    #expect(try HeraldProcess.run(["lists", "import", "press-en", "Lists/press-en.csv"], in: root).status == 0)
    sink = try CaptureSink(port: 0, maildir: root.appendingPathComponent("sink"))
    Thread { [sink] in sink.run() }.start()
  }

  func herald(_ arguments: String...) throws -> HeraldProcess.Result {
    try HeraldProcess.run(arguments, in: root)
  }

  var relay: String { "smtp://127.0.0.1:\(sink.port)" }

  /// The captured messages from the `skip`-th on, as Python's email package reads them, by recipient.
  func captured(from skip: Int = 0) throws -> [String: InspectedMessage] {
    let names = try FileManager.default.contentsOfDirectory(atPath: sink.maildir.path).filter { $0.hasSuffix(".eml") }.sorted().dropFirst(skip)
    var messages: [String: InspectedMessage] = [:]
    for name in names {
      let message = try inspectMessage(Array(try Data(contentsOf: sink.maildir.appendingPathComponent(name))))
      messages[try #require(message.addresses?["To"]?.first?.addrSpec)] = message
    }
    return messages
  }

  func text(_ message: InspectedMessage) -> String { message.parts.first { $0.contentType == "text/plain" }?.content ?? "" }
  func html(_ message: InspectedMessage) -> String { message.parts.first { $0.contentType == "text/html" }?.content ?? "" }

  @Test func aRussianReaderGetsTheRussianTranslationAndTheOthersEnglish() throws {
    defer { sink.stop() }
    let result = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", relay, "--yes")
    #expect(result.status == 0, "\(result.stderr)")
    let messages = try captured()
    #expect(messages.count == 8)
    let dmitri = try #require(messages["dmitri.ivanov@example.com"])
    #expect(dmitri.defects.isEmpty)
    #expect(dmitri.header("Content-Language") == ["ru"])
    #expect(dmitri.header("Subject") == ["Новое исследование: города теряют треть питьевой воды из-за утечек"])
    #expect(text(dmitri).contains("БЕРЛИН, 31 марта 2020 г. — Городские водопроводные сети"))
    #expect(text(dmitri).contains("Institute for Example Studies - Пресс-релиз - 31 марта 2020\u{202F}г."))
    #expect(text(dmitri).contains("Отписаться: https://news.example.org/unsubscribe/"))
    #expect(text(dmitri).contains("Читать пресс-релиз на сайте: https://news.example.org/ru/releases/2020-03-31-water-report"))
    #expect(html(dmitri).contains(">Отписаться</a>") && html(dmitri).contains("<html lang=\"ru\""))
    for (address, message) in messages where address != "dmitri.ivanov@example.com" {
      // Anna (de), Chloé (fr), Eva (cs), Hiro (ja): no translation in their language, the first language.
      #expect(message.header("Content-Language") == ["en"], "\(address)")
      #expect(text(message).contains("BERLIN, March 31, 2020 — Municipal water networks"), "\(address)")
      #expect(text(message).contains("Unsubscribe: https://news.example.org/unsubscribe/"), "\(address)")
      #expect(!text(message).contains("Отписаться"), "\(address)")
    }

    // The report counts per language.
    let report = try herald("report", "2020-03-31-water-report", "--json")
    #expect(report.status == 0, "\(report.stderr)")
    let figures = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as! [String: Any]
    #expect(figures["sent"] as? Int == 8)
    let languages = try #require(figures["languages"] as? [[String: Any]])
    #expect(languages.map { $0["language"] as? String } == ["en", "ru"])
    #expect(languages.map { $0["sent"] as? Int } == [7, 1])
    let people = try herald("report", "Releases/2020-03-31-water-report.ru.md")
    #expect(people.stdout.contains("Русский (ru)") && people.stdout.contains("English (en)"), "\(people.stdout)")
  }

  @Test func aCorrectionGoesToEachOriginalRecipientInTheirLanguage() throws {
    defer { sink.stop() }
    let first = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", relay, "--yes")
    #expect(first.status == 0, "\(first.stderr)")
    let campaign = try #require(first.stdout.split(whereSeparator: \.isWhitespace).last { $0.hasPrefix("2020-03-31-water-report-") }.map { String($0.dropLast()) })
    let correction = try herald("send", "Releases/2020-03-31-water-report.ru.md", "--correction-of", campaign, "--smtp", relay, "--yes")
    #expect(correction.status == 0, "\(correction.stderr)")
    let corrected = try captured(from: 8)
    #expect(corrected.count == 8)
    #expect(corrected["dmitri.ivanov@example.com"]?.header("Content-Language") == ["ru"])
    #expect(corrected.filter { $0.value.header("Content-Language") == ["en"] }.count == 7)
    let figures = try JSONSerialization.jsonObject(with: Data(try herald("report", "2020-03-31-water-report-correction", "--json").stdout.utf8)) as! [String: Any]
    #expect((figures["languages"] as? [[String: Any]])?.map { $0["sent"] as? Int } == [7, 1])
  }

  @Test func aTestCopyAndAPreviewAreInTheLanguageOfTheSubscriberTheyShow() throws {
    defer { sink.stop() }
    let copy = try herald(
      "send", "2020-03-31-water-report", "--test-to", "desk@example.org", "--as", "dmitri.ivanov@example.com", "--smtp", relay)
    #expect(copy.status == 0, "\(copy.stderr)")
    let desk = try #require(try captured()["desk@example.org"])
    #expect(desk.header("Content-Language") == ["ru"])
    #expect(desk.header("Subject").first?.hasPrefix("[TEST] Новое исследование") == true)
    let preview = try herald("preview", "Releases/2020-03-31-water-report.md", "--to", "dmitri.ivanov@example.com", "--out", "p")
    #expect(preview.status == 0, "\(preview.stderr)")
    let text = try String(contentsOf: root.appendingPathComponent("p/message.txt"), encoding: .utf8)
    #expect(text.contains("Пресс-релиз - 31 марта 2020\u{202F}г."))
    let english = try herald("preview", "Releases/2020-03-31-water-report.md", "--to", "dmitri.ivanov@example.com", "--language", "en", "--out", "q")
    #expect(english.status == 0)
    #expect(try String(contentsOf: root.appendingPathComponent("q/message.txt"), encoding: .utf8).contains("Press release - 31 March 2020"))
  }

  @Test func aFieldNoSubscriberHasIsAnErrorInATranslationToo() throws {
    defer { sink.stop() }
    let file = root.appendingPathComponent("Releases/2020-03-31-water-report.ru.md")
    try (try String(contentsOf: file, encoding: .utf8) + "\nДля {{subscriber.beet}}.\n").write(to: file, atomically: true, encoding: .utf8)
    let check = try herald("check", "2020-03-31-water-report")
    #expect(check.status == 1)
    #expect(check.stdout.contains("2020-03-31-water-report.ru.md:56: error: no subscriber has the field “beet”"), "\(check.stdout)")
    #expect(check.stdout.contains("(did you mean “beat”?)"), "\(check.stdout)")
    let send = try herald("send", "Releases/2020-03-31-water-report.md", "--smtp", relay, "--yes")
    #expect(send.status == 1 && (send.stdout + send.stderr).contains("water-report.ru.md:56: error: no subscriber has the field “beet”"), "\(send.stdout)\(send.stderr)")
  }

  @Test func checkChecksEveryTranslationAndWarnsWhereTheyDisagree() throws {
    defer { sink.stop() }
    let clean = try herald("check", "2020-03-31-water-report")
    #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
    // The translation is checked too (its placeholder links, like the original's), and agrees with it.
    #expect(clean.stdout.contains("2020-03-31-water-report.ru.md:"), "\(clean.stdout)")
    #expect(!clean.stdout.contains("differ") && !clean.stdout.contains("refers to"), "\(clean.stdout)")
    // The translation names another list and a file the original does not.
    let file = root.appendingPathComponent("Releases/2020-03-31-water-report.ru.md")
    var text = try String(contentsOf: file, encoding: .utf8)
    text = text.replacingOccurrences(of: "lists: [press-en]", with: "lists: [press-ru]") + "\n[Доклад](doklad.pdf)\n"
    try text.write(to: file, atomically: true, encoding: .utf8)
    // A real document (a missing one would be an error of its own).
    try FileManager.default.copyItem(
      at: root.appendingPathComponent("Releases/counting-the-drops.pdf"), to: root.appendingPathComponent("Releases/doklad.pdf"))
    let warned = try herald("check", "Releases/2020-03-31-water-report.md")
    #expect(warned.status == 0, "warnings only")
    #expect(warned.stdout.contains("Releases/2020-03-31-water-report.ru.md:7: warning: its lists (press-ru) differ"), "\(warned.stdout)")
    #expect(warned.stdout.contains("it refers to doklad.pdf, which"), "\(warned.stdout)")
    // A suffix that disagrees with the front matter is an error with its line.
    try text.replacingOccurrences(of: "language: ru", with: "language: de").write(to: file, atomically: true, encoding: .utf8)
    let wrong = try herald("check", "Releases/2020-03-31-water-report.md")
    #expect(wrong.status == 1)
    #expect(wrong.stdout.contains("2020-03-31-water-report.ru.md:8: error: “language: de” disagrees with the file name"), "\(wrong.stdout)")
  }
}
