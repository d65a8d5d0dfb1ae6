import Foundation
import HeraldCore

/// How the desk's accounts behave: how slow a password hash is, how long a session lasts,
/// how failed sign-ins are slowed down. Every field has a default.
package struct DeskAccountPolicy: Sendable {
  /// bcrypt's cost (log2 of its rounds): 12 takes about 250 ms a hash on a current core.
  /// Only tests lower it (to 4), to keep them fast.
  package var passwordCost: UInt8 = 12
  /// A session not used for this long ends (seconds; 30 minutes).
  package var idleTimeout: TimeInterval = 30 * 60
  /// A session ends this long after sign-in, used or not (seconds; 12 hours).
  package var absoluteTimeout: TimeInterval = 12 * 60 * 60
  /// Failed sign-ins in a row (for one account, or from one address) before each next try waits.
  package var freeFailures = 5
  /// The wait after the first failure beyond the free ones; it doubles with each further one.
  package var firstDelay: TimeInterval = 1
  /// The longest wait (15 minutes).
  package var longestDelay: TimeInterval = 15 * 60
  /// Failures older than this no longer count (a day).
  package var failureMemory: TimeInterval = 24 * 60 * 60
  /// The shortest password accepted.
  package var minimumPasswordLength = 12
  /// The lowest role that must sign in in two steps (password, then an authenticator code);
  /// nil: nobody must, anyone may (herald.yml `desk.two_step`).
  package var twoStepFrom: DeskRole?
  /// How long, after the right password, the code may take (5 minutes).
  package var codeTimeout: TimeInterval = 5 * 60

  /// Whether a user of `role` must sign in in two steps.
  package func requiresTwoStep(_ role: DeskRole) -> Bool {
    twoStepFrom.map { role.allows($0) } ?? false
  }

  /// The defaults.
  package init() {}

  /// How long to wait after `failures` failed sign-ins in a row: nothing for the first
  /// `freeFailures`, then `firstDelay`, doubling, at most `longestDelay`.
  package func delay(afterFailures failures: Int) -> TimeInterval {
    guard failures >= freeFailures else { return 0 }
    let doublings = min(failures - freeFailures, 30)
    return min(firstDelay * pow(2, Double(doublings)), longestDelay)
  }
}
