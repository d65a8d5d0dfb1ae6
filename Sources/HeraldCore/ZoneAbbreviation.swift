import Foundation
import Synchronization

/// A zone's abbreviation at an instant ("CET", "EST", "JST") as the system's time zone
/// database (/usr/share/zoneinfo, TZif, RFC 8536) writes it. Foundation on Linux gives
/// "GMT+1" for Europe/Berlin in most locales (ICU's names), which says less than "CET".
public enum ZoneAbbreviation {
  /// The abbreviation in force in `zone` at `instant`; nil when the database has no file
  /// for the zone or none of its local time types matches.
  public static func of(_ zone: TimeZone, at instant: Date) -> String? {
    guard let types = cache.withLock({ $0[zone.identifier] }) ?? load(zone.identifier) else { return nil }
    let offset = zone.secondsFromGMT(for: instant)
    let daylight = zone.isDaylightSavingTime(for: instant)
    // The latest local time type with this offset and daylight saving: the names a zone
    // used long ago (LMT) come first in its file.
    return types.last { $0.offset == offset && $0.daylight == daylight }?.abbreviation
      ?? types.last { $0.offset == offset }?.abbreviation
  }

  private struct LocalTimeType: Sendable {
    var offset: Int
    var daylight: Bool
    var abbreviation: String
  }

  private static let cache = Mutex<[String: [LocalTimeType]]>([:])

  /// The local time types of a zone's TZif file, in the order its transitions last use
  /// them; nil when there is no such file or it cannot be read.
  private static func load(_ identifier: String) -> [LocalTimeType]? {
    guard !identifier.contains(".."), let data = FileManager.default.contents(atPath: "/usr/share/zoneinfo/\(identifier)") else { return nil }
    let bytes = [UInt8](data)
    func int32(_ at: Int) -> Int? {
      guard at + 4 <= bytes.count else { return nil }
      return Int(Int32(bitPattern: UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])))
    }
    /// Reads the block at `start` with times of `timeSize` bytes: (types by last use, end).
    func block(at start: Int, timeSize: Int) -> ([LocalTimeType], Int)? {
      guard bytes.count >= start + 44, bytes[start..<start + 4].elementsEqual("TZif".utf8),
        let isut = int32(start + 20), let isstd = int32(start + 24), let leap = int32(start + 28),
        let timecnt = int32(start + 32), let typecnt = int32(start + 36), let charcnt = int32(start + 40)
      else { return nil }
      let times = start + 44
      let indices = times + timecnt * timeSize
      let infos = indices + timecnt
      let chars = infos + typecnt * 6
      let end = chars + charcnt + leap * (timeSize + 4) + isstd + isut
      guard end <= bytes.count else { return nil }
      var types: [LocalTimeType] = []
      for index in 0..<typecnt {
        let at = infos + index * 6
        guard let offset = int32(at) else { return nil }
        let first = chars + Int(bytes[at + 5])
        guard first < chars + charcnt else { return nil }
        let name = bytes[first..<(chars + charcnt)].prefix { $0 != 0 }
        types.append(LocalTimeType(offset: offset, daylight: bytes[at + 4] != 0, abbreviation: String(decoding: name, as: UTF8.self)))
      }
      // Ordered by the last transition to each type, so the current names come last.
      var lastUse = Array(repeating: -1, count: typecnt)
      for transition in 0..<timecnt where Int(bytes[indices + transition]) < typecnt { lastUse[Int(bytes[indices + transition])] = transition }
      let ordered = types.indices.sorted { (lastUse[$0], $0) < (lastUse[$1], $1) }.map { types[$0] }
      return (ordered, end)
    }
    guard let (version1, end) = block(at: 0, timeSize: 4) else { return nil }
    // Version 2 and later repeat the data with 64-bit times after the first block: the
    // first may be empty ("slim" files).
    let types = bytes.count > 4 && bytes[4] >= UInt8(ascii: "2") ? block(at: end, timeSize: 8)?.0 ?? version1 : version1
    cache.withLock { $0[identifier] = types }
    return types
  }
}
