/// Spans of time as people say them.
public enum TimeSpan {
  /// "45 seconds", "5 minutes", "12 hours", "1 day", "7 days": the largest unit that the
  /// span is a whole number of, rounded, from seconds to days.
  public static func describe(_ seconds: Double) -> String {
    func words(_ count: Int, _ unit: String) -> String { count == 1 ? "1 \(unit)" : "\(count) \(unit)s" }
    if seconds < 60 { return words(max(Int(seconds.rounded()), 1), "second") }
    if seconds < 3600 { return words(Int((seconds / 60).rounded()), "minute") }
    let hours = Int((seconds / 3600).rounded())
    if hours >= 24 && hours % 24 == 0 { return words(hours / 24, "day") }
    return words(hours, "hour")
  }
}
