import Foundation
import HeraldCore
import HeraldWorkspace
import Testing

struct DeskSettingsTests {
  @Test func theDeskListensOnLoopbackWithPlainCookiesByDefault() throws {
    let desk = try Configuration(yaml: ConfigurationTests.valid, file: "herald.yml").desk
    #expect(desk.enabled)
    #expect(desk.host == "127.0.0.1")
    #expect(desk.port == 8081)
    #expect(desk.address == "http://127.0.0.1:8081")
    #expect(!desk.usesSecureCookies)
    #expect(desk.sessionIdle == 1800)
    #expect(desk.sessionLifetime == 43_200)
  }

  @Test func anHttpsAddressMakesTheCookieSecureUnlessToldOtherwise() throws {
    let yaml = ConfigurationTests.valid + "desk:\n  base_url: https://desk.example.org\n  session_idle: 10m\n  session_lifetime: 8h\n"
    let desk = try Configuration(yaml: yaml, file: "herald.yml").desk
    #expect(desk.address == "https://desk.example.org")
    #expect(desk.usesSecureCookies)
    #expect(desk.sessionIdle == 600)
    #expect(desk.sessionLifetime == 8 * 3600)
    let forced = try Configuration(yaml: yaml + "  secure_cookies: false\n", file: "herald.yml").desk
    #expect(!forced.usesSecureCookies)
  }

  @Test func wrongDeskSettingsNameTheirKeyAndLine() throws {
    let yaml = ConfigurationTests.valid + "desk:\n  port: 70000\n  base_url: ftp://desk\n  colour: blue\n"
    let error = try #require(throws: WorkspaceError.self) { try Configuration(yaml: yaml, file: "herald.yml") }
    let text = "\(error)"
    #expect(error.diagnostics.count == 3, "\(text)")
    #expect(text.contains("port"))
    #expect(text.contains("must be the desk's web address"))
    #expect(error.diagnostics.allSatisfy { $0.line != nil })
  }

  @Test func twoStepIsOffByDefaultAndCanBeRequiredForAdminsOrEveryone() throws {
    #expect(try Configuration(yaml: ConfigurationTests.valid, file: "herald.yml").desk.twoStepFrom == nil)
    let admins = try Configuration(yaml: ConfigurationTests.valid + "desk:\n  two_step: admins\n", file: "herald.yml").desk
    #expect(admins.twoStepFrom == .admin)
    let everyone = try Configuration(yaml: ConfigurationTests.valid + "desk:\n  two_step: Everyone\n", file: "herald.yml").desk
    #expect(everyone.twoStepFrom == .viewer)
    let error = try #require(throws: WorkspaceError.self) {
      try Configuration(yaml: ConfigurationTests.valid + "desk:\n  two_step: sometimes\n", file: "herald.yml")
    }
    #expect("\(error)".contains("two_step"))
    #expect("\(error)".contains("sometimes"))
    #expect(error.diagnostics.first?.line != nil)
  }
}
