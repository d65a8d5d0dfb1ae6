import Foundation
import HeraldCampaign
import HeraldCore
import HeraldCompose
import HeraldMail
import HeraldWorkspace

// What herald init, check, preview and dkim print with --json.

/// `herald init --json`.
struct InitJSON: Encodable {
  var workspace: String
  var created: [String]
  var kept: [String]
}

/// `herald check --json`: the counts and every problem.
struct CheckJSON: Encodable {
  var file: String
  var errors: Int
  var warnings: Int
  var problems: [DiagnosticJSON]
  /// SpamAssassin's verdict, with --spam.
  var spam: SpamJSON?
}

/// SpamAssassin's score of the sample message and the rules that fired.
struct SpamJSON: Encodable {
  var score: Double
  var threshold: Double
  var passed: Bool
  var to: String
  var rules: [SpamCheck.Rule]

  init(_ verdict: SpamCheck.Verdict, to: String) {
    score = verdict.score
    threshold = verdict.threshold
    passed = !verdict.fails
    self.to = to
    rules = verdict.rules
  }
}

/// A problem found in a file.
struct DiagnosticJSON: Encodable {
  var severity: Diagnostic.Severity
  var file: String
  @Nullable var line: Int?
  var message: String

  init(_ diagnostic: Diagnostic) {
    severity = diagnostic.severity
    file = diagnostic.file
    line = diagnostic.line
    message = diagnostic.message
  }
}

/// `herald preview --json`: the files written and what the message comes to.
struct PreviewJSON: Encodable {
  var files: [String]
  var subject: String
  var to: String
  var messageID: String
  var size: Int
  /// "text/plain (quoted-printable)".
  var parts: [String]
  var links: Int
  var placeholderLinks: Int
  var dkim: [SignerJSON]
  var warnings: [String]

  enum CodingKeys: String, CodingKey {
    case files, subject, to, size, parts, links, dkim, warnings
    case messageID = "message_id"
    case placeholderLinks = "placeholder_links"
  }
}

/// A DKIM key a message is signed with.
struct SignerJSON: Encodable {
  var selector: String
  var domain: String
  /// "rsa" or "ed25519".
  var algorithm: String

  init(_ signer: DKIMSigner) {
    selector = signer.selector
    domain = signer.domain
    algorithm = signer.key.algorithm.rawValue
  }
}

/// `herald dkim show --json`.
struct DKIMKeysJSON: Encodable {
  var keys: [DKIMKeyJSON]
}

/// A DKIM key's record (`herald dkim keygen --json`, and each of `show`'s).
struct DKIMKeyJSON: Encodable {
  var name: String
  var value: String
  /// The value in strings of at most 255 bytes, as zone files take it.
  var strings: [String]
  var keyFile: String
  /// Whether this command made the key.
  var created: Bool

  enum CodingKeys: String, CodingKey {
    case name, value, strings, created
    case keyFile = "key_file"
  }

  init(keyFile: DKIMKeyFile, record: DKIMRecord, created: Bool) {
    name = record.name
    value = record.value
    strings = record.strings
    self.keyFile = keyFile.file.path
    self.created = created
  }
}
