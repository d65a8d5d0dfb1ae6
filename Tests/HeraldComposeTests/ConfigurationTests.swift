import Foundation
import HeraldCompose
import Testing

struct ConfigurationTests {
  static let valid = """
    organization: "Example Institute"
    from: "Example Institute <press@example.org>"
    base_url: "https://news.example.org/"
    postal_address: "1 Example Street, Berlin"

    """

  @Test func readsRequiredKeysAndDefaultsTheRest() throws {
    let configuration = try Configuration(yaml: Self.valid, file: "herald.yml")
    #expect(configuration.organization == "Example Institute")
    #expect(configuration.from.address == "press@example.org")
    #expect(configuration.baseURL == "https://news.example.org")  // trailing slash removed
    #expect(configuration.unsubscribeAddress == "unsubscribe@example.org")
    #expect(configuration.allowRawHTML == false)
    #expect(configuration.replyTo == nil)
  }

  @Test func everyProblemInHeraldYmlIsReportedAtOnce() throws {
    let yaml = "organization: \"\"\nfrom: nobody\nbase_url: ftp://x\ncolour: blue\n"
    let error = try #require(throws: ComposeError.self) { try Configuration(yaml: yaml, file: "herald.yml") }
    // organization empty, from invalid, base_url not https, unknown key, postal_address missing.
    #expect(error.diagnostics.count == 5, "\(error)")
    #expect(error.diagnostics.map(\.line) == error.diagnostics.map(\.line).sorted { ($0 ?? 0) < ($1 ?? 0) })
  }

  @Test func theShippedDefaultIsValid() throws {
    let configuration = Fixtures.configuration
    #expect(configuration.timeZone.identifier == "Europe/Berlin")
    #expect(configuration.replyTo?.address == "pressoffice@example.org")
  }

  @Test(arguments: [
    (valid + "colour: blue\n", 5, "unknown key “colour”"),
    (valid + "allow_raw_htm: true\n", 5, "did you mean “allow_raw_html”"),
    (valid + "allow_raw_html: yes please\n", 5, "must be true or false"),
    (valid + "time_zone: Mars/Olympus\n", 5, "not a time zone"),
    (valid.replacingOccurrences(of: "base_url: \"https://news.example.org/\"", with: "base_url: news"), 3, "must be a web address"),
    (valid.replacingOccurrences(of: "organization: \"Example Institute\"\n", with: ""), 1, "“organization” is required"),
    (valid.replacingOccurrences(of: "press@example.org", with: "press at example.org"), 2, "not a valid sender"),
    ("organization: [a, b]\n", 1, "must be text"),
    ("organization: \"unterminated\nfrom: x\n", 1, "YAML is not valid"),
  ])
  func badConfigurationNamesKeyFileAndLine(_ yaml: String, _ line: Int, _ mentions: String) throws {
    let error = try #require(throws: ComposeError.self) { try Configuration(yaml: yaml, file: "/ws/herald.yml") }
    #expect(error.code == .configuration)
    #expect(error.diagnostics[0].file == "/ws/herald.yml")
    #expect(error.diagnostics[0].line == line, "\(error)")
    #expect(error.description.contains(mentions), "\(error)")
  }
}
