import Foundation
import HeraldCompose
import HeraldWorkspace
import Testing

struct PressKitSettingsTests {
  @Test func pressKitKeysSetHowImagesTravelAndTheWarningSize() throws {
    let defaults = try Configuration(yaml: ConfigurationTests.valid, file: "herald.yml").compose.media
    #expect(defaults.images == .linked && defaults.warnSize == 10_000_000)
    let yaml = ConfigurationTests.valid + "press_kit:\n  images: inline\n  warn_size: 2.5 MB\n"
    let media = try Configuration(yaml: yaml, file: "herald.yml").compose.media
    #expect(media.images == .inline && media.warnSize == 2_500_000)
  }

  @Test func aWrongPressKitValueIsNamedWithItsLine() throws {
    let yaml = ConfigurationTests.valid + "press_kit:\n  images: attached\n  warn_size: big\n"
    let error = try #require(throws: WorkspaceError.self) { try Configuration(yaml: yaml, file: "herald.yml") }
    let messages = error.diagnostics.map(\.description)
    let lines = yaml.components(separatedBy: "\n")
    let images = lines.firstIndex(of: "  images: attached")! + 1
    #expect(messages.contains { $0.contains("herald.yml:\(images)") && $0.contains("linked") && $0.contains("inline") }, "\(messages)")
    #expect(messages.contains { $0.contains("herald.yml:\(images + 1)") && $0.contains("10 MB") }, "\(messages)")
  }
}
