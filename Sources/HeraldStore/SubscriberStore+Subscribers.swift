import Crypto
import Foundation
import GRDB
import HeraldCore
import HeraldMail

extension SubscriberStore {
  /// What an add or import did with one address.
  package enum Change: String, Sendable {
    case added, updated, unchanged
  }

  /// Adds a subscriber to a list (or updates their details), with consent evidence.
  /// - Parameters:
  ///   - status: `subscribed`, or `pending` when they must still confirm.
  ///   - resubscribe: allow an address that unsubscribed, bounced or complained back in.
  /// - Throws: `.invalidInput` for a bad address, or one that is suppressed or opted out
  ///   (unless `resubscribe`), `.notFound` for an unknown list.
  @discardableResult
  package func addSubscriber(
    email: String, name: String? = nil, organization: String? = nil, language: String? = nil,
    attributes: [String: String] = [:], list: String, status: MembershipStatus = .subscribed,
    source: ConsentSource, resubscribe: Bool = false
  ) throws -> (Subscriber, Change) {
    let address = try Self.normalizedAddress(email)
    return try write { db in
      let list = try Self.list(named: list, in: db)
      // A suppression outranks any list: --resubscribe does not lift it, unsuppress does.
      if let reason = try Self.suppressionReason(for: address, in: db) {
        throw StoreError(.invalidInput, "\(address) is suppressed (\(reason)); it is never sent to. If that is a mistake, run “herald subscribers unsuppress \(address)” first")
      }
      let now = Date()
      var fields = SubscriberFields(email: address, name: name, organization: organization, language: language, attributes: attributes)
      _ = fields.clean()  // callers that want to say so clean first with SubscriberText
      let (id, subscriberChange) = try Self.upsertSubscriber(fields, at: now, in: db)
      let current = try Self.membershipStatus(subscriber: id, list: list.id, in: db)
      if let left = try Self.optOut(subscriber: id, list: list.id, current: current, in: db), current != status, !resubscribe {
        throw StoreError(.invalidInput, "\(address) is \(left.rawValue) from “\(list.name)”; Herald does not add it back unless you pass --resubscribe (and have their fresh consent)")
      }
      let membershipChanged = try Self.setMembership(subscriber: id, list: list, status: status, source: source, at: now, importRun: nil, in: db)
      let change: Change = subscriberChange == .added ? .added : (subscriberChange == .updated || membershipChanged ? .updated : .unchanged)
      return (try Self.subscriber(id: id, in: db)!, change)
    }
  }

  /// A subscriber with their memberships and consent history.
  package struct Profile: Sendable, Codable {
    package var subscriber: Subscriber
    package var memberships: [Membership]
    package var history: [ConsentEvent]
    /// Why the address is never sent to, if it is suppressed.
    package var suppressed: String?
  }

  /// Everything the store knows about an address.
  /// - Throws: `.notFound` when it is not a subscriber.
  package func profile(email: String) throws -> Profile {
    let address = try Self.normalizedAddress(email)
    return try read { db in
      guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM subscriber WHERE email_key = ?", arguments: [EmailAddress.key(address)]),
        let profile = try Self.profile(id: id, in: db)
      else {
        throw StoreError(.notFound, "\(address) is not a subscriber")
      }
      return profile
    }
  }

  /// The profile of the subscriber `id`; nil when there is none (never was, or forgotten).
  static func profile(id: Int64, in db: Database) throws -> Profile? {
    guard let subscriber = try Self.subscriber(id: id, in: db) else { return nil }
    let memberships = try Row.fetchAll(db, sql: """
      SELECT list.name AS list, status, source, source_detail, changed_at FROM membership
      JOIN list ON list.id = membership.list_id WHERE subscriber_id = ? ORDER BY list.name
      """, arguments: [id]).map { row in
      Membership(list: row["list"], status: MembershipStatus(rawValue: row["status"]) ?? .pending,
        source: ConsentSource(stored: row["source"], detail: row["source_detail"]), changedAt: Date(timeIntervalSince1970: row["changed_at"]))
    }
    // The history: earlier states (consent_event) and the current ones (membership).
    let history = try Row.fetchAll(db, sql: """
      SELECT list_name, status, source, source_detail, at, id, kind FROM consent_event WHERE subscriber_id = ?
      UNION ALL
      SELECT list.name, status, source, source_detail, changed_at, 9223372036854775807, 'state' FROM membership
      JOIN list ON list.id = membership.list_id WHERE subscriber_id = ?
      ORDER BY 5, 6
      """, arguments: [id, id]).map { row in
      ConsentEvent(list: row[0], status: MembershipStatus(rawValue: row[1]) ?? .pending,
        source: ConsentSource(stored: row[2], detail: row[3]), at: Date(timeIntervalSince1970: row[4]),
        kind: ConsentEvent.Kind(rawValue: row[6]) ?? .state)
    }
    return Profile(subscriber: subscriber, memberships: memberships, history: history, suppressed: try Self.suppressionReason(for: subscriber.email, in: db))
  }

  /// Unsubscribes an address from one list, or from every list when `list` is nil.
  /// - Returns: the lists it was unsubscribed from (those it was on and not already off).
  @discardableResult
  package func unsubscribe(email: String, list: String?, source: ConsentSource) throws -> [String] {
    try setStatus(.unsubscribed, email: email, list: list, source: source)
  }

  /// Sets the status of an address on one list or all its lists (unsubscribe, bounce, complaint).
  /// - Returns: the lists whose status changed.
  @discardableResult
  package func setStatus(_ status: MembershipStatus, email: String, list: String?, source: ConsentSource) throws -> [String] {
    let address = try Self.normalizedAddress(email)
    return try write { db in
      guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM subscriber WHERE email_key = ?", arguments: [EmailAddress.key(address)]) else {
        throw StoreError(.notFound, "\(address) is not a subscriber")
      }
      let lists: [MailingList]
      if let list {
        let one = try Self.list(named: list, in: db)
        guard try Self.membershipStatus(subscriber: id, list: one.id, in: db) != nil else {
          throw StoreError(.notFound, "\(address) is not on the list “\(list)”")
        }
        lists = [one]
      } else {
        lists = try Row.fetchAll(db, sql: "SELECT list.* FROM list JOIN membership ON membership.list_id = list.id WHERE subscriber_id = ?", arguments: [id]).map(Self.list(from:))
      }
      let now = Date()
      return try lists.filter { try Self.setMembership(subscriber: id, list: $0, status: status, source: source, at: now, importRun: nil, in: db) }.map(\.name)
    }
  }

  /// Suppresses an address, or a whole domain when `target` is "@domain": never sent to again.
  @discardableResult
  package func suppress(_ target: String, reason: String) throws -> Suppression {
    let trimmed = target.trimmingCharacters(in: .whitespaces)
    let kind: Suppression.Kind
    let value: String
    if trimmed.hasPrefix("@") {
      let domain = String(trimmed.dropFirst())
      do {
        value = try Punycode.toASCII(domain: domain).lowercased()
      } catch let error as MailError {
        throw StoreError(.invalidInput, "“\(trimmed)” is not a domain: \(error.message)")
      }
      guard value.contains(".") else {
        throw StoreError(.invalidInput, "“\(trimmed)” is not a domain: it has no dot; write it like @example.org")
      }
      kind = .domain
    } else {
      kind = .address
      value = EmailAddress.key(try Self.normalizedAddress(trimmed))
    }
    guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw StoreError(.invalidInput, "give a reason for the suppression (--reason \"…\"), so that others know why")
    }
    return try write { db in
      let now = Date()
      try db.execute(sql: """
        INSERT INTO suppression (kind, value, reason, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (kind, value) DO UPDATE SET reason = excluded.reason
        """, arguments: [kind.rawValue, value, reason, now.timeIntervalSince1970])
      return Suppression(kind: kind, value: value, reason: reason, createdAt: now)
    }
  }

  /// Lifts the suppression of an address (also one kept as a hash after `forget`), or of
  /// a whole domain when `target` is "@domain".
  /// - Returns: how many suppressions were removed.
  @discardableResult
  package func unsuppress(_ target: String) throws -> Int {
    let trimmed = target.trimmingCharacters(in: .whitespaces)
    return try write { db in
      if trimmed.hasPrefix("@") {
        let domain = (try? Punycode.toASCII(domain: String(trimmed.dropFirst())).lowercased()) ?? String(trimmed.dropFirst()).lowercased()
        try db.execute(sql: "DELETE FROM suppression WHERE kind = 'domain' AND value = ?", arguments: [domain])
      } else {
        let key = EmailAddress.key(try Self.normalizedAddress(trimmed))
        try db.execute(
          sql: "DELETE FROM suppression WHERE (kind = 'address' AND value = ?) OR (kind = 'hashed' AND value = ?)",
          arguments: [key, Self.hash(key)])
      }
      guard db.changesCount > 0 else {
        throw StoreError(.notFound, "\(trimmed) is not suppressed")
      }
      return db.changesCount
    }
  }

  /// Erases a subscriber's personal data (GDPR art. 17): the subscriber, memberships and
  /// history are deleted; a hash of the address is kept as a suppression, so the address
  /// cannot be imported again by accident. The hash is not reversible to the address by
  /// itself, but anyone holding the address can check it: that is what it is for.
  package func forget(email: String) throws {
    let address = try Self.normalizedAddress(email)
    try write { db in
      let key = EmailAddress.key(address)
      guard try Int64.fetchOne(db, sql: "SELECT id FROM subscriber WHERE email_key = ?", arguments: [key]) != nil else {
        throw StoreError(.notFound, "\(address) is not a subscriber")
      }
      try db.execute(sql: "DELETE FROM subscriber WHERE email_key = ?", arguments: [key])
      try db.execute(sql: "DELETE FROM suppression WHERE kind = 'address' AND value = ?", arguments: [key])
      try db.execute(sql: """
        INSERT INTO suppression (kind, value, reason, created_at) VALUES ('hashed', ?, 'forgotten at the subscriber''s request', ?)
        ON CONFLICT (kind, value) DO NOTHING
        """, arguments: [Self.hash(key), Date().timeIntervalSince1970])
    }
  }
}

// MARK: - Shared steps

extension SubscriberStore {
  struct SubscriberFields {
    var email: String
    var name: String?
    var organization: String?
    var language: String?
    var attributes: [String: String]

    /// Cleans the name, organisation and language of control characters (see
    /// `SubscriberText`); says what was found, or nil when they were clean.
    mutating func clean() -> String? {
      var found: [String] = []
      func clean(_ value: inout String?, _ label: String) {
        guard let text = value else { return }
        let cleaned = SubscriberText.cleaned(text)
        guard let what = cleaned.found else { return }
        value = cleaned.text.isEmpty ? nil : cleaned.text
        found.append("the \(label) had \(what)")
      }
      clean(&name, "name")
      clean(&organization, "organisation")
      clean(&language, "language")
      return found.isEmpty ? nil : found.joined(separator: "; ")
    }
  }

  static func normalizedAddress(_ text: String) throws -> String {
    do {
      return try EmailAddress.normalize(text)
    } catch let error as MailError {
      throw StoreError(.invalidInput, error.message)
    }
  }

  /// SHA-256 of an address key, hex: how a forgotten address is remembered.
  static func hash(_ key: String) -> String {
    Hex.encode(SHA256.hash(data: Array(key.utf8)))
  }

  /// Why an address is never sent to, or nil.
  static func suppressionReason(for address: String, in db: Database) throws -> String? {
    let key = EmailAddress.key(address)
    let domain = domain(ofKey: key)
    if let reason = try String.fetchOne(db, sql: """
      SELECT reason FROM suppression WHERE (kind = 'address' AND value = ?) OR (kind = 'domain' AND value = ?) OR (kind = 'hashed' AND value = ?)
      LIMIT 1
      """, arguments: [key, domain, hash(key)])
    {
      return reason
    }
    return nil
  }

  /// Inserts the subscriber, or updates the fields that are given and differ.
  /// - Parameter knownID: the subscriber's id when the caller has just looked it up
  ///   (`.some(nil)`: known to be new), saving a lookup per imported row.
  static func upsertSubscriber(_ fields: SubscriberFields, knownID: Int64?? = nil, at now: Date, in db: Database) throws -> (Int64, Change) {
    let key = EmailAddress.key(fields.email)
    // Cached statements: imports run these once per row.
    let id = try knownID ?? Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM subscriber WHERE email_key = ?"), arguments: [key])
    if let id, let row = try Row.fetchOne(
      db.cachedStatement(sql: "SELECT name, organization, language, attributes FROM subscriber WHERE id = ?"), arguments: [id])
    {
      var name: String? = row["name"]
      var organization: String? = row["organization"]
      var language: String? = row["language"]
      var attributes = decodeAttributes(row["attributes"])
      let before = (name, organization, language, attributes)
      if let value = fields.name, !value.isEmpty { name = value }
      if let value = fields.organization, !value.isEmpty { organization = value }
      if let value = fields.language, !value.isEmpty { language = value }
      attributes.merge(fields.attributes.filter { !$0.value.isEmpty }) { $1 }
      if before.0 == name && before.1 == organization && before.2 == language && before.3 == attributes {
        return (id, .unchanged)
      }
      try db.cachedStatement(sql: "UPDATE subscriber SET name = ?, organization = ?, language = ?, attributes = ? WHERE id = ?")
        .execute(arguments: [name, organization, language, encodeAttributes(attributes), id])
      return (id, .updated)
    }
    try db.cachedStatement(sql: insertSubscriberSQL).execute(arguments: StatementArguments(subscriberRow(fields, key: key, at: now)))
    return (db.lastInsertedRowID, .added)
  }

  static let insertSubscriberSQL =
    "INSERT INTO subscriber (email, email_key, domain, name, organization, language, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"

  static let insertMembershipSQL = """
    INSERT INTO membership (subscriber_id, list_id, status, source, source_detail, changed_at, import_run) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (subscriber_id, list_id) DO UPDATE SET status = excluded.status, source = excluded.source,
      source_detail = excluded.source_detail, changed_at = excluded.changed_at, import_run = excluded.import_run
    """

  /// The values of `insertSubscriberSQL`, in order.
  static func subscriberRow(_ fields: SubscriberFields, key: String, at now: Date) -> [SQLValue] {
    [
      .text(fields.email), .text(key), .text(Self.domain(ofKey: key)), .text(fields.name.nilIfEmpty),
      .text(fields.organization.nilIfEmpty), .text(fields.language.nilIfEmpty), .text(encodeAttributes(fields.attributes)),
      .real(now.timeIntervalSince1970),
    ]
  }

  /// The domain of an address key: what follows its (only) "@".
  static func domain(ofKey key: String) -> String {
    guard let at = key.utf8.lastIndex(of: UInt8(ascii: "@")) else { return "" }
    return String(key[key.utf8.index(after: at)...])
  }

  static func membershipStatus(subscriber: Int64, list: Int64, in db: Database) throws -> MembershipStatus? {
    try String.fetchOne(
      db.cachedStatement(sql: "SELECT status FROM membership WHERE subscriber_id = ? AND list_id = ?"), arguments: [subscriber, list]
    ).flatMap(MembershipStatus.init(rawValue:))
  }

  /// Whether a membership stands for the person having left the list, and how: it is
  /// unsubscribed, bounced or complained, or it is pending (a subscription form asked for
  /// it, which proves nothing) since it was one of those. Only the person's confirmation,
  /// or `--resubscribe` with their fresh consent, brings such a membership back.
  /// - Parameter current: the membership's status, as the caller has just read it.
  /// - Returns: the status they left with, or nil.
  static func optOut(subscriber: Int64, list: Int64, current: MembershipStatus?, in db: Database) throws -> MembershipStatus? {
    switch current {
    case let status? where optOutStatuses.contains(status):
      return status
    case .pending?:
      // The state the pending one replaced: a form of an earlier Herald made an
      // unsubscribed membership pending.
      let before = try String.fetchOne(db, sql: """
        SELECT status FROM consent_event WHERE subscriber_id = ? AND list_id = ? AND kind = 'state' ORDER BY at DESC, id DESC LIMIT 1
        """, arguments: [subscriber, list]).flatMap(MembershipStatus.init(rawValue:))
      return before.flatMap { optOutStatuses.contains($0) ? $0 : nil }
    default:
      return nil
    }
  }

  /// The statuses of someone who left a list: nothing but their own consent brings them back.
  static let optOutStatuses: Set<MembershipStatus> = [.unsubscribed, .bounced, .complained]

  /// Sets a membership's status with its evidence; the change goes into the history.
  /// - Returns: whether the status changed.
  static func setMembership(
    subscriber: Int64, list: MailingList, status: MembershipStatus, source: ConsentSource, at now: Date, importRun: Int64?,
    current: MembershipStatus?? = nil, in db: Database
  ) throws -> Bool {
    // `current` is passed when the caller has just read it (imports), saving a lookup.
    let before = try current ?? membershipStatus(subscriber: subscriber, list: list.id, in: db)
    if before == status { return false }
    try db.cachedStatement(sql: insertMembershipSQL).execute(arguments: [subscriber, list.id, status.rawValue, source.kind.rawValue, source.detail, now.timeIntervalSince1970, importRun])
    // The state this replaces goes into consent_event by the membership_history trigger.
    return true
  }

  static func subscriber(id: Int64, in db: Database) throws -> Subscriber? {
    try Row.fetchOne(db, sql: "SELECT * FROM subscriber WHERE id = ?", arguments: [id]).map(subscriber(from:))
  }

  static func subscriber(from row: Row) -> Subscriber {
    Subscriber(
      id: SubscriberID(row["id"] as Int64), email: row["email"], name: row["name"], organization: row["organization"], language: row["language"],
      attributes: decodeAttributes(row["attributes"]), createdAt: Date(timeIntervalSince1970: row["created_at"]))
  }

  /// Attributes as a JSON object with sorted keys (written by hand: it runs per imported
  /// row, and JSONEncoder costs more than the row's SQL).
  static func encodeAttributes(_ attributes: [String: String]) -> String {
    if attributes.isEmpty { return "{}" }
    var json = "{"
    if attributes.count == 1, let (key, value) = attributes.first {
      // One custom column, the common case: nothing to sort.
      appendJSONString(key, to: &json)
      json += ":"
      appendJSONString(value, to: &json)
      return json + "}"
    }
    for (index, key) in attributes.keys.sorted().enumerated() {
      if index > 0 { json += "," }
      appendJSONString(key, to: &json)
      json += ":"
      appendJSONString(attributes[key]!, to: &json)
    }
    return json + "}"
  }

  private static func appendJSONString(_ text: String, to json: inout String) {
    // Most values need no escaping: printable ASCII and UTF-8 without " or \.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != 0x7F }) {
      json += "\""
      json += text
      json += "\""
      return
    }
    json += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": json += "\\\""
      case "\\": json += "\\\\"
      case "\n": json += "\\n"
      case "\r": json += "\\r"
      case "\t": json += "\\t"
      case _ where scalar.value < 0x20: json += String(format: "\\u%04x", scalar.value)
      default: json.unicodeScalars.append(scalar)
      }
    }
    json += "\""
  }

  /// Reads what `encodeAttributes` wrote (a flat object of strings) without JSONDecoder,
  /// which would dominate streaming 100,000 recipients; anything else goes to JSONDecoder.
  static func decodeAttributes(_ json: String?) -> [String: String] {
    guard let json, json != "{}" else { return [:] }
    var text = json
    return text.withUTF8 { bytes in decodeFlatObject(bytes) } ?? fallbackDecode(json)
  }

  /// A flat JSON object of strings from its UTF-8, or nil when it is anything else.
  private static func decodeFlatObject(_ bytes: UnsafeBufferPointer<UInt8>) -> [String: String]? {
    var index = 0
    let end = bytes.count
    func skipSpace() {
      while index < end, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }
    func string() -> String? {
      guard index < end, bytes[index] == 0x22 else { return nil }
      index += 1
      let start = index
      // The common case, no escapes: the bytes between the quotes are the string.
      while index < end, bytes[index] != 0x22, bytes[index] != 0x5C { index += 1 }
      if index < end, bytes[index] == 0x22 {
        defer { index += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
      }
      // Escapes: find the closing quote and let Foundation read that one string.
      var cursor = index
      while cursor < end, bytes[cursor] != 0x22 { cursor += bytes[cursor] == 0x5C ? 2 : 1 }
      guard cursor < end else { return nil }
      let literal = Data(UnsafeBufferPointer(rebasing: bytes[(start - 1)...cursor]))
      index = cursor + 1
      return try? JSONDecoder().decode(String.self, from: literal)
    }
    var result: [String: String] = [:]
    skipSpace()
    guard index < end, bytes[index] == 0x7B else { return nil }
    index += 1
    skipSpace()
    if index < end, bytes[index] == 0x7D { return [:] }
    while true {
      skipSpace()
      guard let key = string() else { return nil }
      skipSpace()
      guard index < end, bytes[index] == 0x3A else { return nil }
      index += 1
      skipSpace()
      guard let value = string() else { return nil }
      result[key] = value
      skipSpace()
      guard index < end else { return nil }
      let next = bytes[index]
      index += 1
      if next == 0x7D { return result }
      guard next == 0x2C else { return nil }
    }
  }

  private static func fallbackDecode(_ json: String) -> [String: String] {
    (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
  }
}

extension Optional where Wrapped == String {
  var nilIfEmpty: String? {
    switch self {
    case .some(let value) where !value.isEmpty: return value
    default: return nil
    }
  }
}

extension SubscriberStore {
  /// A subscriber's address, if they are (still) in the store.
  package func email(of subscriber: SubscriberID) throws -> String? {
    try read { db in try String.fetchOne(db, sql: "SELECT email FROM subscriber WHERE id = ?", arguments: [subscriber.rawValue]) }
  }

  /// The subscriber with this address, with their organisation, if any.
  package func subscriber(address: String) throws -> Subscriber? {
    guard let normalized = try? EmailAddress.normalize(address) else { return nil }
    return try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM subscriber WHERE email_key = ?", arguments: [EmailAddress.key(normalized)]).map(Self.subscriber(from:))
    }
  }
}
