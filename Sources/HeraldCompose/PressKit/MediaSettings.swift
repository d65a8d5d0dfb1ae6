/// How a release's photos and files travel (herald.yml's `press_kit:` section).
package struct MediaSettings: Sendable, Equatable {
  /// How mail shows a release's photos.
  package enum Images: String, Sendable, Equatable {
    /// By their absolute address on the public site (`base_url`): small messages.
    case linked
    /// Embedded in every message as `multipart/related` parts (Content-ID), for an office
    /// without a public server.
    case inline
  }

  /// `images:` — linked (default) or inline.
  package var images: Images = .linked
  /// `warn_size:` — `herald check` warns about a referenced file larger than this; 10 MB.
  package var warnSize = 10 * 1_000_000
  /// `upload_limit:` — the most the desk takes in one upload of photos and files; 50 MB.
  package var uploadLimit = 50 * 1_000_000
  /// A message larger than this gets a warning (images inline, attachments): 2 MB.
  package var messageWarnSize = 2 * 1_000_000
  /// A message larger than this is refused by check and send: 10 MB, where many mail
  /// servers stop accepting.
  package var messageLimit = 10 * 1_000_000

  /// The defaults.
  package init() {}
}
