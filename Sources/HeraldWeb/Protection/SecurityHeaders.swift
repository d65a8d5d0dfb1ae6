/// The headers every response carries, so that a page cannot be framed, load anything from
/// elsewhere, post a form to another site, or be sniffed as another type.
package enum SecurityHeaders {
  /// The headers, as name and value.
  ///
  /// The policy allows styles and images from this server only, no scripts at all, forms
  /// posted to this server only, and no framing; pages leak no referrer to other sites.
  package static let all: [(name: String, value: String)] = [
    (
      "Content-Security-Policy",
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    // same-origin, not no-referrer: under no-referrer browsers send `Origin: null` with the
    // site's own form posts, which the cross-site check must refuse (a sandboxed frame or
    // a file: page sends it too), so no form could be sent from a real browser.
    ("Referrer-Policy", "same-origin"),
    ("X-Content-Type-Options", "nosniff"),
  ]
}
