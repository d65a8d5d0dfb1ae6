import Foundation
import HeraldCore
import HeraldStore

// What herald lists and herald subscribers print with --json.

/// A list (`herald lists create/update --json`).
struct ListJSON: Encodable {
  var name: String
  var title: String
  var description: String
  @Nullable var language: String?
  var doubleOptIn: Bool
  /// Whether it has a subscription form on the web.
  var isPublic: Bool
  var consentText: String
  /// Whether its members get releases under embargo before the embargo lifts.
  var embargoedCopies: Bool

  enum CodingKeys: String, CodingKey {
    case name, title, description, language
    case doubleOptIn = "double_opt_in"
    case isPublic = "public"
    case consentText = "consent_text"
    case embargoedCopies = "embargoed_copies"
  }

  init(_ list: MailingList) {
    name = list.name
    title = list.title
    description = list.description
    language = list.language
    doubleOptIn = list.doubleOptIn
    isPublic = list.isPublic
    consentText = list.consentText
    embargoedCopies = list.embargoedCopies
  }
}

/// A list with its members counted by status (`herald lists --json`): the list's keys and
/// the counts' side by side.
struct ListCountsJSON: Encodable {
  var list: ListJSON
  var counts: ListCounts

  enum CodingKeys: String, CodingKey {
    case subscribed, pending, unsubscribed, bounced, complained
  }

  func encode(to encoder: any Encoder) throws {
    try list.encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(counts.subscribed, forKey: .subscribed)
    try container.encode(counts.pending, forKey: .pending)
    try container.encode(counts.unsubscribed, forKey: .unsubscribed)
    try container.encode(counts.bounced, forKey: .bounced)
    try container.encode(counts.complained, forKey: .complained)
  }
}

/// A list's members, a page of them (`herald lists show NAME --json`).
struct MemberPageJSON: Encodable {
  var list: String
  var total: Int
  var page: Int
  var pages: Int
  var perPage: Int
  var members: [Member]

  struct Member: Encodable {
    var email: String
    @Nullable var name: String?
    @Nullable var organization: String?
    var status: String
    /// When the membership took its status (ISO 8601, UTC).
    var since: Date
  }

  enum CodingKeys: String, CodingKey {
    case list, total, page, pages, members
    case perPage = "per_page"
  }

  init(list: String, _ page: SubscriberStore.MemberPage) {
    self.list = list
    total = page.total
    self.page = page.page
    pages = page.pages
    perPage = page.perPage
    members = page.members.map {
      Member(email: $0.subscriber.email, name: $0.subscriber.name, organization: $0.subscriber.organization, status: $0.status.rawValue, since: $0.since)
    }
  }
}

/// `herald lists delete --json`.
struct ListDeletedJSON: Encodable {
  var deleted: String
}

/// How an import went (`herald lists import --json`).
struct ImportReportJSON: Encodable {
  var file: String
  var list: String
  var dryRun: Bool
  var encoding: String
  var warnings: [String]
  var rows: Int
  var added: Int
  var updated: Int
  var unchanged: Int
  var duplicates: Int
  var rejected: Int
  var keptOut: Int
  var cleaned: Int
  /// The first rows not imported as they were, with why.
  var problems: [Problem]
  /// The first duplicate rows: the line that counts, and what each would have changed.
  var duplicateRows: [Duplicate]

  struct Problem: Encodable {
    var line: Int
    var email: String
    var reason: String
  }

  struct Duplicate: Encodable {
    var line: Int
    var email: String
    var firstLine: Int
    var wouldChange: [Change]

    struct Change: Encodable {
      var field: String
      @Nullable var kept: String?
      var ignored: String
    }

    enum CodingKeys: String, CodingKey {
      case line, email
      case firstLine = "first_line"
      case wouldChange = "would_change"
    }
  }

  enum CodingKeys: String, CodingKey {
    case file, list, encoding, warnings, rows, added, updated, unchanged, duplicates, rejected, cleaned, problems
    case dryRun = "dry_run"
    case keptOut = "kept_out"
    case duplicateRows = "duplicate_rows"
  }

  init(_ report: SubscriberStore.ImportReport) {
    file = report.file
    list = report.list
    dryRun = report.dryRun
    encoding = report.encoding
    warnings = report.warnings
    rows = report.rows
    added = report.added
    updated = report.updated
    unchanged = report.unchanged
    duplicates = report.duplicates
    rejected = report.rejected
    keptOut = report.keptOut
    cleaned = report.cleaned
    problems = report.problems.map { Problem(line: $0.line, email: $0.email, reason: $0.reason) }
    duplicateRows = report.duplicateRows.map { duplicate in
      Duplicate(
        line: duplicate.line, email: duplicate.email, firstLine: duplicate.firstLine,
        wouldChange: duplicate.changes.map { Duplicate.Change(field: $0.field, kept: $0.kept, ignored: $0.ignored) })
    }
  }
}

/// `herald subscribers add --json`.
struct SubscriberAddedJSON: Encodable {
  var email: String
  var id: SubscriberID
  var list: String
  /// "added", "updated" or "unchanged".
  var change: String
}

/// `herald subscribers show --json`: everything known about an address.
struct SubscriberProfileJSON: Encodable {
  var profile: Profile
  var deliveries: [Delivery]
  /// Bounces and complaints read from the inbox, newest first (`herald inbox show ID`).
  var returned: [SubscriberStore.SubscriberRecord.Returned]
  /// Their inquiries, newest first.
  var inquiries: [SubscriberStore.SubscriberRecord.Question]

  init(_ record: SubscriberStore.SubscriberRecord) {
    profile = Profile(record.profile)
    deliveries = record.deliveries.map(Delivery.init)
    returned = record.returned
    inquiries = record.inquiries
  }

  struct Profile: Encodable {
    var subscriber: Subscriber
    var memberships: [Membership]
    var history: [ConsentEvent]
    /// Why the address is never sent to; left out when it is not suppressed.
    var suppressed: String?

    init(_ profile: SubscriberStore.Profile) {
      subscriber = Subscriber(profile.subscriber)
      memberships = profile.memberships.map(Membership.init)
      history = profile.history.map(ConsentEvent.init)
      suppressed = profile.suppressed
    }
  }

  /// Optional details are left out when unknown.
  struct Subscriber: Encodable {
    var id: SubscriberID
    var email: String
    var name: String?
    var organization: String?
    var language: String?
    /// Custom columns of imports, by their names as they were.
    var attributes: [String: String]
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
      case id, email, name, organization, language, attributes
      case createdAt = "created_at"
    }

    init(_ subscriber: HeraldStore.Subscriber) {
      id = subscriber.id
      email = subscriber.email
      name = subscriber.name
      organization = subscriber.organization
      language = subscriber.language
      attributes = subscriber.attributes
      createdAt = subscriber.createdAt
    }
  }

  /// The evidence for a membership's state.
  struct Source: Encodable {
    /// "import", "web", "confirm", "link", "cli", "bounce", "complaint", "email".
    var kind: String
    var detail: String

    init(_ source: ConsentSource) {
      kind = source.kind.rawValue
      detail = source.detail
    }
  }

  struct Membership: Encodable {
    var list: String
    var status: MembershipStatus
    var source: Source
    var changedAt: Date

    enum CodingKeys: String, CodingKey {
      case list, status, source
      case changedAt = "changed_at"
    }

    init(_ membership: HeraldStore.Membership) {
      list = membership.list
      status = membership.status
      source = Source(membership.source)
      changedAt = membership.changedAt
    }
  }

  /// One change of a membership; `list` is left out for changes of the address itself.
  /// `kind` is "state" (the membership was `status` from `at`) or "request" (a
  /// subscription asked for while it was `status`, which it stayed until confirmed).
  struct ConsentEvent: Encodable {
    var list: String?
    var status: MembershipStatus
    var source: Source
    var at: Date
    var kind: HeraldStore.ConsentEvent.Kind

    init(_ event: HeraldStore.ConsentEvent) {
      list = event.list
      status = event.status
      source = Source(event.source)
      at = event.at
      kind = event.kind
    }
  }

  /// One delivery attempt; `list` is left out when the message went to no list.
  struct Delivery: Encodable {
    var campaign: CampaignID
    var release: String
    var list: String?
    var outcome: DeliveryOutcome
    var reply: String
    var at: Date

    init(_ delivery: SubscriberStore.Delivery) {
      campaign = delivery.campaign
      release = delivery.release
      list = delivery.list
      outcome = delivery.outcome
      reply = delivery.reply
      at = delivery.at
    }
  }
}

/// `herald subscribers unsubscribe --json`.
struct UnsubscribedJSON: Encodable {
  var email: String
  /// The lists it was unsubscribed from now (empty: it was already).
  var unsubscribedFrom: [String]

  enum CodingKeys: String, CodingKey {
    case email
    case unsubscribedFrom = "unsubscribed_from"
  }
}

/// `herald subscribers suppress --json`.
struct SuppressionJSON: Encodable {
  /// "address" or "domain".
  var kind: String
  var value: String
  var reason: String
}

/// `herald subscribers unsuppress --json`.
struct UnsuppressedJSON: Encodable {
  var unsuppressed: String
  /// How many suppressions were lifted (0: there was none).
  var removed: Int
}

/// `herald subscribers forget --json`.
struct ForgottenJSON: Encodable {
  var forgotten: String
}
