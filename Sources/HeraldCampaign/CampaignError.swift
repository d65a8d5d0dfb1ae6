import HeraldCompose
import HeraldCore

/// A send that cannot go ahead, or did not finish: the release has errors, is under
/// embargo, a correction's original is still waiting, there is no one to send to, the
/// Outbox could not take every message.
package struct CampaignError: DiagnosedError {
  /// What kind of failure it is.
  package struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case releaseHasErrors, invalidRequest, correctionWaiting, nothingToSend, enqueueIncomplete, signing, spamCheck }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// `herald check` finds errors in the release (`diagnostics` lists them).
    package static var releaseHasErrors: Self { Self(.releaseHasErrors) }
    /// The request contradicts itself or the release (no lists, a list with a correction).
    package static var invalidRequest: Self { Self(.invalidRequest) }
    /// The campaign a correction corrects still has messages waiting in the Outbox.
    package static var correctionWaiting: Self { Self(.correctionWaiting) }
    /// No recipient is left: everyone received it, or the lists are empty.
    package static var nothingToSend: Self { Self(.nothingToSend) }
    /// Writing the Outbox stopped part-way; what was written stays and is sent.
    package static var enqueueIncomplete: Self { Self(.enqueueIncomplete) }
    /// A message could not be DKIM-signed.
    package static var signing: Self { Self(.signing) }
    /// SpamAssassin could not score the message (`herald check --spam`).
    package static var spamCheck: Self { Self(.spamCheck) }
    package var description: String { base.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  package var message: String
  package var underlying: (any Error & Sendable)?
  /// The release's problems, for `.releaseHasErrors`.
  package var diagnostics: [Diagnostic] = []

  /// Makes an error.
  package init(_ code: Code, _ message: String, diagnostics: [Diagnostic] = [], underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.diagnostics = diagnostics
    self.underlying = underlying
  }
}
