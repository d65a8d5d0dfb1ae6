import Foundation
import HeraldCore

extension ReleaseChecker {
  /// The release's embargo as `herald check` says it: when it lifts, in the workspace's
  /// zone with the zone named (and as written, when that zone differs), what a send does
  /// with it; a warning when it is in the past (a send goes to everyone at once, unmarked)
  /// or lifts within the hour (little time for anyone to prepare).
  /// - Parameters:
  ///   - timeZone: the workspace's (herald.yml's `time_zone`).
  ///   - now: the present.
  package static func embargoDiagnostics(for release: Release, timeZone: TimeZone, now: Date) -> [Diagnostic] {
    guard let embargo = release.embargoTime else { return [] }
    let line = release.frontMatterLines["embargo"]
    let when = embargo.readable(in: timeZone)
    let written = timeZone.secondsFromGMT(for: embargo.instant) == embargo.writtenIn.secondsFromGMT(for: embargo.instant)
      ? "" : " (written as \(embargo.readable(in: embargo.writtenIn)))"
    let remaining = embargo.instant.timeIntervalSince(now)
    if remaining <= 0 {
      return [Diagnostic(.warning, file: release.file, line: line,
        "the embargo lifted at \(when)\(written), in the past: herald send sends the release to every list at once, unmarked; correct “embargo:” or remove it")]
    }
    var found = [Diagnostic(.note, file: release.file, line: line,
      "under embargo until \(when)\(written): herald send sends it now, marked as embargoed, to lists that take embargoed copies, and to the other lists when the embargo lifts; the archive shows it from then")]
    if remaining < 3600 {
      let minutes = max(1, Int((remaining / 60).rounded(.down)))
      found.append(Diagnostic(.warning, file: release.file, line: line,
        "the embargo lifts in \(minutes) minute\(minutes == 1 ? "" : "s") (\(when)): journalists who get an embargoed copy have little time to prepare; move “embargo:” later if it is meant to give them time"))
    }
    return found
  }
}
