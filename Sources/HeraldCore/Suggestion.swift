/// "Did you mean …?": the known word nearest to a mistyped one, by edit distance (letters
/// inserted, removed, replaced or swapped with their neighbour; case ignored). Commands and
/// personalisation fields use it for their errors.
public enum Suggestion {
  /// The candidate nearest to `word`, when it is near enough to be what was meant: at most
  /// one edit for words of up to four letters, two for longer ones, and never a tie
  /// between two candidates.
  public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
    let typed = Array(word.lowercased())
    guard !typed.isEmpty else { return nil }
    let allowed = typed.count <= 4 ? 1 : 2
    var best: (candidate: String, distance: Int)?
    var tied = false
    for candidate in candidates {
      let distance = editDistance(typed, Array(candidate.lowercased()))
      guard distance <= allowed, distance > 0 || candidate != word else { continue }
      if let current = best, distance == current.distance, candidate != current.candidate {
        tied = true
      } else if best == nil || distance < best!.distance {
        best = (candidate, distance)
        tied = false
      }
    }
    return tied ? nil : best?.candidate
  }

  /// The optimal string alignment distance: Levenshtein's, with a swap of two neighbours
  /// counted as one edit ("sned" is one edit from "send").
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var before = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          current[j] = min(current[j], before[j - 2] + 1)
        }
      }
      (before, previous, current) = (previous, current, before)
    }
    return previous[b.count]
  }
}
