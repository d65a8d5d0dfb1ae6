import HeraldWeb
import Hummingbird
import NIOCore

/// What a request carries through the desk besides itself: the peer's address (for
/// throttling sign-ins and the record of sessions), and the request's note for the audit.
package struct DeskContext: RequestContext, RemoteAddressRequestContext {
  package var coreContext: CoreRequestContextStorage
  /// The address of the peer that connected: the client, or a reverse proxy.
  package let remoteAddress: SocketAddress?
  /// What the audit records of the request besides its route and status: who, and a
  /// handler's detail (`context.audit.detail("…")`).
  package let audit = DeskAuditNote()

  package init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    remoteAddress = source.channel.remoteAddress
  }

  /// No request body is decoded beyond a form's size.
  package var maxUploadSize: Int { DeskLimits.formBytes }
}

/// The sizes the desk accepts, one place for each.
enum DeskLimits {
  /// A form's body (the desk's forms are short, but for a release's text).
  static let formBytes = 16_384
  /// The limits of a short form.
  static let form = FormLimits(maximumBytes: formBytes)
  /// The most a reply's form may hold (its Markdown, and what the writer saw).
  static let replyForm = FormLimits(maximumBytes: 262_144, maximumFields: 8, maximumFieldBytes: 262_144)
  /// The editor's form, a release's text with its token: 1 MiB (a release file is at most
  /// 1 MB, `Release.maximumFileSize`).
  static let releaseFormBytes = 1_048_576
  /// The limits of the editor's form: the body, and each of its two texts, at most 1 MB.
  static let releaseForm = FormLimits(maximumBytes: releaseFormBytes, maximumFields: 8, maximumFieldBytes: releaseFormBytes)
  /// The request target (path and query).
  static let uriBytes = 2_048
  /// All request header fields together, and one field.
  static let headerBytes = 16_384
  /// Header fields in a request.
  static let headerFields = 100
  /// A connection that sends nothing for this long is closed (slow clients).
  static let idleSeconds: Int64 = 30
}
