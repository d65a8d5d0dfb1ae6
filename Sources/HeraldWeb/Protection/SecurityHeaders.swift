/// The headers every response carries, so that a page cannot be framed, load anything from
/// elsewhere, post a form to another site, or be sniffed as another type.
package enum SecurityHeaders {
  /// The headers, as name and value.
  ///
  /// The policy allows styles and images from this server only, no scripts at all, forms
  /// posted to this server only, and no framing; pages leak no referrer to the links they hold.
  package static let all: [(name: String, value: String)] = [
    (
      "Content-Security-Policy",
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
  ]
}
