import Foundation

/// What a person signed in to the desk may do. Each role can do everything the ones before
/// it can: a viewer reads; an editor also writes releases; a sender also sends, schedules
/// and corrects; an admin also manages the desk's users.
public enum DeskRole: String, CaseIterable, Comparable, Codable, Sendable, CustomStringConvertible {
  case viewer, editor, sender, admin

  /// Whether someone with this role may do what `required` may: roles are ordered.
  public func allows(_ required: DeskRole) -> Bool { self >= required }

  /// The role named `name` (any case, surrounding spaces ignored), or nil.
  public init?(named name: String) {
    self.init(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased())
  }

  /// "viewer, editor, sender or admin": for messages that list the choices.
  public static var names: String {
    let all = allCases.map(\.rawValue)
    return all.dropLast().joined(separator: ", ") + " or " + all.last!
  }

  public var description: String { rawValue }

  private var rank: Int { Self.allCases.firstIndex(of: self)! }

  public static func < (lhs: DeskRole, rhs: DeskRole) -> Bool { lhs.rank < rhs.rank }
}
