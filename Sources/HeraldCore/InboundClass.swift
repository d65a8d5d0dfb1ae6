/// What a received message is: every message the inbox takes in gets exactly one class. The
/// classifier gives it, the store keeps it, and a person may correct it.
public enum InboundClass: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  /// A delivery status notification: a message could not be delivered, or not yet.
  case bounce
  /// A feedback report (RFC 5965): a recipient marked a message as spam.
  case complaint
  /// An automatic answer: out of office, vacation, a read receipt (RFC 3834).
  case autoReply = "auto-reply"
  /// A request to be taken off the list, by the List-Unsubscribe address or in words.
  case unsubscribe
  /// Anything else a person wrote: a question, an answer, thanks.
  case inquiry
  /// Not mail, or too little of it to say who sent it or when.
  case unreadable

  public var description: String { rawValue }
}
