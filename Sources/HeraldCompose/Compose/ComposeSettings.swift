import Foundation
import HeraldCore
import HeraldMail

/// What composing needs to know about the organisation that sends: its name, sender,
/// public address, postal address, and how to write dates and HTML. herald.yml's top-level
/// keys are decoded into it (HeraldWorkspace).
package struct ComposeSettings: Sendable {
  /// The organisation's name, shown in the footer and as the default sender name.
  package var organization: String
  /// The sender, `Name <press@example.org>`; its domain is used for Message-IDs and List-Id.
  package var from: Mailbox
  /// Where replies go when the release does not say; none by default (replies go to `from`).
  package var replyTo: Mailbox?
  /// The public web address of Herald's endpoints, used for unsubscribe and archive links,
  /// without a trailing slash.
  package var baseURL: String
  /// The public site at `baseURL`: every address mail links to is built by it.
  package var site: PublicSite { PublicSite(baseURL: baseURL) }
  /// The postal address shown in every footer (CAN-SPAM, and the bulk senders' rules); nil
  /// when herald.yml has none (`herald check` warns).
  package var postalAddress: String?
  /// The address for mailto unsubscribe requests; by default `unsubscribe@` the sender's domain.
  package var unsubscribeAddress: String
  /// Whether raw HTML in a release's Markdown is kept; by default false (dropped, with a warning).
  package var allowRawHTML = false
  /// The time zone of Date headers and release dates; by default the machine's.
  package var timeZone: TimeZone = .current
  /// What opens the subject of an embargoed copy, before the time it lifts and a colon:
  /// "EMBARGOED until 8 December 2026, 06:00 CET: …".
  package var embargoPrefix = ComposeSettings.defaultEmbargoPrefix
  /// How photos and files travel with a release (herald.yml's `press_kit:`).
  package var media = MediaSettings()
  /// `embargoPrefix`'s default.
  package static let defaultEmbargoPrefix = "EMBARGOED until"

  /// Makes settings; the optional ones have their defaults.
  package init(
    organization: String, from: Mailbox, replyTo: Mailbox? = nil, baseURL: String, postalAddress: String?,
    unsubscribeAddress: String? = nil, allowRawHTML: Bool = false, timeZone: TimeZone = .current,
    embargoPrefix: String = ComposeSettings.defaultEmbargoPrefix
  ) {
    self.organization = organization
    self.from = from
    self.replyTo = replyTo
    self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    self.postalAddress = postalAddress
    self.unsubscribeAddress = unsubscribeAddress ?? "unsubscribe@\(from.domain)"
    self.allowRawHTML = allowRawHTML
    self.timeZone = timeZone
    self.embargoPrefix = embargoPrefix
  }
}
