import Foundation
import HeraldCompose
import HeraldCore
import HeraldMail
import HeraldStore
import HeraldWorkspace

/// A release as one recipient gets it: the message composed for them (their name,
/// organisation, fields and language when they are a subscriber), signed as it is sent,
/// and what a person checking it wants to see. `herald preview` writes it to files; the
/// desk shows it.
package struct ReleasePreview: Sendable {
  /// The release and its translations, composed.
  package let family: ComposedFamily
  /// The translation the recipient gets.
  package let composed: ComposedRelease
  /// Who it is for: a subscriber's own values, or only the address given.
  package let recipient: Recipient
  /// Whether the address is a subscriber's in the store (false: a stranger with that address).
  package let isSubscriber: Bool
  /// The list named in List-Id and the unsubscribe link.
  package let list: String
  /// The language chosen: asked for, else the subscriber's, else the list's, else the first.
  package let language: String
  /// The message as composed, before signing.
  package let message: ComposedMessage
  /// The message as sent: one DKIM-Signature per configured key in front.
  package let bytes: [UInt8]
  /// The personalised HTML and text, before transfer encoding.
  package let html: String
  package let text: String
  /// Its parts and links.
  package let summary: ReleaseSummary
  /// The keys it is signed with (none: unsigned).
  package let signers: [DKIMSigner]
  /// The sender, From.
  package let from: Mailbox
  /// The release's warnings (it has no errors: it would not be previewed).
  package let diagnostics: [Diagnostic]
  /// The bulk senders' rules that herald.yml breaks.
  package let sendingWarnings: [String]

  /// Composes `reference` (a release file, any translation, or its slug) for `address`.
  /// - Parameters:
  ///   - organization: the recipient's organisation, over a subscriber's own.
  ///   - list: the list (default: the release's first, else "press").
  ///   - language: the translation to show (default: the one the recipient gets).
  ///   - store: the subscribers; nil for a workspace without a store (the recipient is a stranger).
  ///   - stamp: the message's date and unique token.
  ///   - composedFamily: the release already composed from `reference`, if it is.
  /// - Throws: `ComposeError` for a release that cannot be read or has errors,
  ///   `WorkspaceError` for keys and secrets, `StoreError`.
  package init(
    _ reference: String, to address: Mailbox, organization: String? = nil, list: String? = nil, language: String? = nil,
    workspace: Workspace, configuration: Configuration, signers: [DKIMSigner], store: SubscriberStore?, stamp: MessageStamp,
    family composedFamily: ComposedFamily? = nil
  ) throws {
    let family = try composedFamily ?? workspace.composeFamily(reference, configuration: configuration)
    let diagnostics = ReleaseChecker.diagnostics(for: family)
    if diagnostics.contains(where: { $0.severity == .error }) {
      throw ComposeError(.release, diagnostics)
    }
    let listName = list ?? family.first.release.lists.first ?? "press"
    var person = Recipient(mailbox: address, organization: organization)
    var subscriberLanguage: String?
    var listLanguage: String?
    var isSubscriber = false
    // A subscriber's preview is their own message: their name, organisation and fields, their language.
    if let store {
      if let subscriber = try store.subscriber(address: address.address) {
        person = Recipient(subscriber)
        if let organization { person.organization = organization }
        subscriberLanguage = subscriber.language
        isSubscriber = true
      }
      listLanguage = try store.lists().first { $0.name == listName }?.language
    }
    let chosen = language ?? family.choice.language(subscriber: subscriberLanguage, list: listLanguage)
    let composed = family.composed(in: chosen)
    let message = composed.message(for: person, list: listName, stamp: stamp)
    self.family = family
    self.composed = composed
    self.recipient = person
    self.isSubscriber = isSubscriber
    self.list = listName
    self.language = chosen
    self.message = message
    self.bytes = try MessageSigning.sign(message.bytes, with: signers, at: stamp.date)
    let parts = composed.personalisedParts(for: person, list: listName)
    html = parts.html
    text = parts.text
    summary = composed.summary(for: person, list: listName)
    self.signers = signers
    from = composed.release.from ?? configuration.compose.from
    self.diagnostics = diagnostics
    sendingWarnings = SendingRules.warnings(composed: composed, configuration: configuration)
  }

  /// The subject as the message carries it.
  package var subject: String { composed.subject }

  /// The parts as `herald preview` names them: "text/plain (7bit)".
  package var partNames: [String] {
    summary.parts.map { "\($0.contentType) (\($0.transferEncoding.rawValue))" }
  }
}

extension Mailroom {
  /// The release `reference` as `address` gets it, signed with the workspace's keys as it
  /// is sent (see `ReleasePreview`).
  /// - Throws: as `ReleasePreview.init`.
  package func preview(
    _ reference: String, to address: Mailbox, organization: String? = nil, list: String? = nil, language: String? = nil,
    stamp: MessageStamp? = nil, family: ComposedFamily? = nil
  ) throws -> ReleasePreview {
    try ReleasePreview(
      reference, to: address, organization: organization, list: list, language: language, workspace: workspace,
      configuration: configuration, signers: signers, store: store, stamp: stamp ?? .now(at: clock.now), family: family)
  }
}
