import HeraldCore
import HeraldStore

/// What a request tells the audit besides what the recorder sees (the route, the status):
/// who was signed in, and what a handler adds. One per request, shared by reference between
/// the handler (which fills it) and `DeskMiddleware` (which records it once the answer is made).
///
/// A handler adds a detail in one line: `context.audit.detail("assigned to Claire Durand")`.
package final class DeskAuditNote: Sendable {
  private struct Values: Sendable {
    var user: DeskUser?
    var detail = ""
    var target: String?
    var refused = false
  }

  private let values = Shared(Values())

  package init() {}

  /// The signed-in user the request acted as (set by `require`, and by a sign-in).
  package var user: DeskUser? { values.value.user }
  /// The handler's detail, or "".
  package var detailText: String { values.value.detail }
  /// The target a handler named, when the path does not (a user chosen in a form).
  package var target: String? { values.value.target }
  /// Whether a check refused the request (not signed in, role, cross-site, form token).
  package var refused: Bool { values.value.refused }

  /// Notes who is acting.
  package func signedIn(_ user: DeskUser) { values.withLock { $0.user = user } }

  /// Adds a short detail to the request's entry ("status answered"); several are joined.
  package func detail(_ text: String) {
    values.withLock { $0.detail = $0.detail.isEmpty ? text : $0.detail + "; " + text }
  }

  /// Names what the request acted on, when its path does not.
  package func target(_ text: String) { values.withLock { $0.target = text } }

  /// Notes that a check refused the request.
  func refuse() { values.withLock { $0.refused = true } }
}
