/// What a mail system did with a message for one recipient: RFC 3464's `Action` field.
package enum DeliveryAction: String, Sendable, Codable {
  /// It could not be delivered, and the mail system has stopped trying.
  case failed
  /// It has not been delivered yet; the mail system keeps trying.
  case delayed
  /// It was delivered.
  case delivered
  /// It was passed on to a system that sends no delivery reports.
  case relayed
  /// It was delivered and passed on to more recipients (an alias or a list).
  case expanded
}
