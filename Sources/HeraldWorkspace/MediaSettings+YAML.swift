import Foundation
import HeraldCompose
import HeraldCore
import HeraldYAML

extension MediaSettings {
  /// The keys of herald.yml's `press_kit:` section.
  static let knownKeys: Set<String> = ["images", "warn_size", "upload_limit"]

  /// Reads `press_kit:`: only the keys given change their defaults; problems are added
  /// to `problems` with their lines.
  static func read(_ yaml: YAMLMapping, problems: inout [Diagnostic]) -> MediaSettings {
    var settings = MediaSettings()
    if let images = yaml.collect(&problems, { () throws -> MediaSettings.Images? in
      guard let value = try yaml.string("images") else { return nil }
      guard let images = MediaSettings.Images(rawValue: value) else {
        throw yaml.error("images", "must be linked (photos by their address on base_url) or inline (embedded in every message), not “\(value)”")
      }
      return images
    }) ?? nil {
      settings.images = images
    }
    if let size = yaml.collect(&problems, { () throws -> Int? in
      guard let text = try yaml.string("warn_size") else { return nil }
      guard let bytes = Self.bytes(text), bytes > 0 else {
        throw yaml.error("warn_size", "must be a size like 10 MB or 500 KB, not “\(text)”")
      }
      return bytes
    }) ?? nil {
      settings.warnSize = size
    }
    if let size = yaml.collect(&problems, { () throws -> Int? in
      guard let text = try yaml.string("upload_limit") else { return nil }
      guard let bytes = Self.bytes(text), bytes > 0 else {
        throw yaml.error("upload_limit", "must be a size like 50 MB or 500 KB, not “\(text)”")
      }
      return bytes
    }) ?? nil {
      settings.uploadLimit = size
    }
    return settings
  }

  /// "10 MB", "500KB", "2.5 MB", "1048576" (bytes) in bytes, decimal units; nil otherwise.
  static func bytes(_ text: String) -> Int? {
    let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
    let units: [(String, Double)] = [("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("B", 1)]
    for (unit, factor) in units where trimmed.hasSuffix(unit) {
      guard let number = Double(trimmed.dropLast(unit.count).trimmingCharacters(in: .whitespaces)), number >= 0 else { return nil }
      return Int(number * factor)
    }
    return Int(trimmed)
  }
}
