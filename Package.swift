// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "Herald",
  // Herald is built and tested on Linux (Debian 12, Swift 6.1 or newer, the C libraries from
  // scripts/bootstrap). macOS 15 is the oldest macOS with the APIs it uses (Synchronization's
  // Mutex and Atomic); a macOS build is not tested.
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "herald", targets: ["herald"]),
    // The one library meant for use outside this package: the RFC 5322/MIME model, DKIM,
    // addresses and SMTP replies (public, with HeraldCore's errors and ids). Every other
    // target declares what the package shares as `package`, not `public`.
    .library(name: "HeraldMail", targets: ["HeraldMail"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    // The press kit's ZIP (issue 16): a maintained ZIP writer, members stored or deflated.
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    // The desk's passwords (issue 17): bcrypt, a maintained slow password hash.
    .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
  ],
  targets: [
    // C: cmark-gfm, the reference CommonMark/GFM parser (Debian libcmark-gfm-dev).
    .systemLibrary(name: "CCmark", path: "Sources/CCmark"),
    // C: libcurl, the SMTP (and later IMAP) client (Debian libcurl4-openssl-dev).
    .systemLibrary(name: "CCurl", path: "Sources/CCurl"),
    // C: libvips, the images of the press kit: renditions, orientation, metadata (Debian libvips-dev).
    .systemLibrary(name: "CVips", path: "Sources/CVips", pkgConfig: "vips"),
    // C: sets libvips' VIPSHOME when the program is loaded, before any thread: libvips would
    // otherwise setenv it on its first use, racing any child process being started.
    .target(name: "CVipsEnvironment", dependencies: ["CVips"], path: "Sources/CVipsEnvironment"),
    // readdir(3) handing out full-size copies of entries: Foundation's Process.run on Linux
    // (Swift 6.3.1) reads past the end of short ones and can crash (directory_entries.c).
    .target(name: "CDirectoryEntries", path: "Sources/CDirectoryEntries", linkerSettings: [.linkedLibrary("dl")]),

    // What every target shares: the error protocol, durable files (EINTR handled in one
    // place), and the ids and outcomes that travel between targets.
    .target(name: "HeraldCore"),

    // RFC 5322/MIME model and encoders, addresses, DKIM, SMTP replies and enhanced status
    // codes: no I/O, no C.
    .target(
      name: "HeraldMail",
      dependencies: [
        "HeraldCore",
        .product(name: "Crypto", package: "swift-crypto"),
        // RSA signing for DKIM (_RSA.Signing, PKCS#1 v1.5).
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ]
    ),

    // YAML read strictly, with the file, line and key of every problem: herald.yml and
    // releases' front matter.
    .target(name: "HeraldYAML", dependencies: ["HeraldCore", .product(name: "Yams", package: "Yams")]),

    // Release file → messages: front matter, Markdown → HTML + text, Mustache templates.
    .target(
      name: "HeraldCompose",
      dependencies: [
        "HeraldCore", "HeraldMail", "HeraldYAML", "CCmark", "CVips", "CVipsEnvironment",
        .product(name: "Mustache", package: "swift-mustache"),
        // The press kit's ZIP and the digest that names it.
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        // SHA-256 of the press kit's files: their names in Media/.
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),

    // SQLite (GRDB): lists, subscribers, consent, suppression; later inquiries and the delivery log.
    .target(
      name: "HeraldStore",
      dependencies: [
        "HeraldCore", "HeraldMail",
        .product(name: "GRDB", package: "GRDB.swift"),
        // SQLite's C API, for the import's per-row statements.
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),

    // The one libcurl easy-handle wrapper: setup, CURLcode checks and the mapping of failures,
    // connection settings (TLS policy, the loopback rule) that SMTP and IMAP share.
    .target(name: "HeraldCurl", dependencies: ["HeraldCore", "CCurl"]),

    // Outbox spool, retry policy, rate limit, SMTP transport (libcurl, from issue 4).
    .target(
      name: "HeraldDelivery",
      dependencies: [
        "HeraldCore", "HeraldMail", "HeraldCurl", "CCurl",
        .product(name: "Logging", package: "swift-log"),
      ]
    ),

    // The workspace: herald.yml decoded once into the policy types, the folders, secrets,
    // DKIM keys, and what `herald init` writes.
    .target(
      name: "HeraldWorkspace",
      dependencies: [
        "HeraldCore", "HeraldMail", "HeraldYAML", "HeraldCompose", "HeraldStore", "HeraldDelivery", "HeraldCurl",
        .product(name: "Logging", package: "swift-log"),
      ],
      // The defaults `herald init` writes, compiled into the binary so that it needs no
      // files beside it. The repository's own workspace files link to these.
      resources: [
        .embedInCode("Resources/herald.yml"),
        .embedInCode("Resources/gitignore"),
        .embedInCode("Resources/Templates/release.html.mustache"),
        .embedInCode("Resources/Templates/release.txt.mustache"),
        .embedInCode("Resources/Templates/web/confirm.mustache"),
        .embedInCode("Resources/Templates/web/confirmed.mustache"),
        .embedInCode("Resources/Templates/web/contact-sent.mustache"),
        .embedInCode("Resources/Templates/web/contact.mustache"),
        .embedInCode("Resources/Templates/web/index.mustache"),
        .embedInCode("Resources/Templates/web/layout.mustache"),
        .embedInCode("Resources/Templates/web/problem.mustache"),
        .embedInCode("Resources/Templates/web/release.mustache"),
        .embedInCode("Resources/Templates/web/style.css"),
        .embedInCode("Resources/Templates/web/subscribe-lists.mustache"),
        .embedInCode("Resources/Templates/web/subscribe-sent.mustache"),
        .embedInCode("Resources/Templates/web/subscribe.mustache"),
        .embedInCode("Resources/Templates/web/unsubscribe.mustache"),
        .embedInCode("Resources/Templates/web/unsubscribed.mustache"),
        // The desk's pages (named apart from web/'s: resources are named by file name).
        .embedInCode("Resources/Templates/desk/page.mustache"),
        .embedInCode("Resources/Templates/desk/sign-in.mustache"),
        .embedInCode("Resources/Templates/desk/sign-in-code.mustache"),
        .embedInCode("Resources/Templates/desk/two-step.mustache"),
        .embedInCode("Resources/Templates/desk/releases.mustache"),
        .embedInCode("Resources/Templates/desk/overview.mustache"),
        .embedInCode("Resources/Templates/desk/account.mustache"),
        .embedInCode("Resources/Templates/desk/users.mustache"),
        .embedInCode("Resources/Templates/desk/forbidden.mustache"),
        .embedInCode("Resources/Templates/desk/check.mustache"),
        .embedInCode("Resources/Templates/desk/preview.mustache"),
        .embedInCode("Resources/Templates/desk/send.mustache"),
        .embedInCode("Resources/Templates/desk/send-confirm.mustache"),
        .embedInCode("Resources/Templates/desk/campaign.mustache"),
        .embedInCode("Resources/Templates/desk/inquiries.mustache"),
        .embedInCode("Resources/Templates/desk/inquiry.mustache"),
        .embedInCode("Resources/Templates/desk/inquiry-entry.mustache"),
        .embedInCode("Resources/Templates/desk/inquiry-reply.mustache"),
        // The Outbox and the audit (issue 18).
        .embedInCode("Resources/Templates/desk/audit.mustache"),
        .embedInCode("Resources/Templates/desk/outbox.mustache"),
        .embedInCode("Resources/Templates/desk/desk.css"),
        .embedInCode("Resources/Templates/desk/desk.js"),
        // Writing a release: new, edit, photos and files.
        .embedInCode("Resources/Templates/desk/new-release.mustache"),
        .embedInCode("Resources/Templates/desk/edit.mustache"),
        .embedInCode("Resources/Templates/desk/files.mustache"),
        // Received mail: the messages read, one message shown safely.
        .embedInCode("Resources/Templates/desk/inbox.mustache"),
        .embedInCode("Resources/Templates/desk/received.mustache"),
        .embedInCode("Resources/Templates/desk/subscribers.mustache"),
        .embedInCode("Resources/Templates/desk/subscriber.mustache"),
        .embedInCode("Resources/Templates/desk/subscriber-new.mustache"),
        .embedInCode("Resources/Templates/desk/subscriber-forget.mustache"),
        .embedInCode("Resources/Templates/desk/subscriber-forgotten.mustache"),
        .embedInCode("Resources/Templates/desk/suppressions.mustache"),
        .embedInCode("Resources/Templates/desk/lists.mustache"),
        .embedInCode("Resources/Templates/desk/list.mustache"),
        .embedInCode("Resources/Templates/desk/list-import-upload.mustache"),
        .embedInCode("Resources/Templates/desk/list-import-check.mustache"),
        .embedInCode("Resources/Templates/desk/list-import.mustache"),
        .embedInCode("Resources/Templates/desk/subscriber-edit.mustache"),
        // Reports.
        .embedInCode("Resources/Templates/desk/report.mustache"),
        .embedInCode("Resources/Templates/desk/reports.mustache"),
        .embedInCode("Resources/Templates/strings/en.yml"),
        .embedInCode("Resources/Templates/strings/ru.yml"),
        .embedInCode("Resources/Templates/strings/de.yml"),
        .embedInCode("Resources/Templates/strings/fr.yml"),
        .embedInCode("Resources/Templates/strings/es.yml"),
        .embedInCode("Resources/sample-release.md"),
        .embedInCode("Resources/sample-release.ru.md"),
        .embedInCode("Resources/sample-list.csv"),
        .embedInCode("Resources/sample-photo.jpg"),
        .embedInCode("Resources/sample-report.pdf"),
      ]
    ),

    // A send as a plan and a run: audience, embargo, corrections, compose + sign + enqueue,
    // delivery, results recorded in the store. The one API the CLI, the inbox and the web call.
    .target(
      name: "HeraldCampaign",
      dependencies: [
        "HeraldCore", "HeraldMail", "HeraldCompose", "HeraldStore", "HeraldDelivery", "HeraldWorkspace", "HeraldCurl",
        // It starts children (SpamAssassin): Foundation's Process needs the safe readdir.
        "CDirectoryEntries",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
        // The blocking pool (NIOThreadPool) that keeps SQLite and fsync off event loops.
        .product(name: "NIOPosix", package: "swift-nio"),
        // Delivery as a service with graceful shutdown.
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        // The desk's accounts: passwords hashed with bcrypt, authenticator codes (RFC 6238).
        .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
      ]
    ),

    // Inquiries and bounces: intake (IMAP through libcurl, .eml, Maildir, mbox), classify
    // (bounce, complaint, auto-reply, unsubscribe, inquiry), act through the campaign library,
    // thread inquiries to the releases they answer.
    .target(
      name: "HeraldInbox",
      dependencies: [
        "HeraldCore", "HeraldMail", "HeraldCompose", "HeraldStore", "HeraldDelivery", "HeraldWorkspace", "HeraldCampaign",
        "HeraldCurl", "CCurl",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
        // The inbox's fetch as a service with graceful shutdown.
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ]
    ),

    // The public web server (Hummingbird): one-click unsubscribe, subscription with
    // confirmation, the contact form, the archive of published releases.
    .target(
      name: "HeraldWeb",
      dependencies: [
        "HeraldCore", "HeraldMail", "HeraldCompose", "HeraldStore", "HeraldWorkspace", "HeraldCampaign",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ]
    ),

    // The signed-in desk (issue 17): accounts, sessions, roles, the releases, on a listener of
    // its own. It reuses the public site's protections (cross-site check, form bodies, trusted
    // proxies, security headers) from HeraldWeb; received mail is read and reclassified
    // through HeraldInbox, as `herald inbox` does.
    .target(
      name: "HeraldDesk",
      dependencies: [
        "HeraldCore", "HeraldMail", "HeraldCompose", "HeraldStore", "HeraldWorkspace", "HeraldCampaign", "HeraldWeb", "HeraldInbox",
        "HeraldDelivery",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ]
    ),

    // The command-line tool: the only target that talks to a terminal.
    .executableTarget(
      name: "herald",
      dependencies: [
        "HeraldCore", "HeraldMail", "HeraldCompose", "HeraldStore", "HeraldDelivery", "HeraldWorkspace", "HeraldCampaign", "HeraldInbox",
        "HeraldWeb", "HeraldDesk", "HeraldCurl",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ]
    ),

    // make bench: the compose benchmark (release build); peers live in Benchmarks/.
    .executableTarget(
      name: "herald-bench",
      dependencies: [
        "HeraldCompose", "HeraldMail", "HeraldStore", "HeraldWorkspace", "HeraldInbox",
        .product(name: "Hummingbird", package: "hummingbird"),
      ],
      path: "Benchmarks/HeraldBench"
    ),

    // Test support shared by every test target: fixtures, running the binary, Python oracles.
    .target(
      name: "HeraldTesting",
      dependencies: ["HeraldCore", "HeraldMail", "HeraldDelivery", "CDirectoryEntries", .product(name: "Logging", package: "swift-log")],
      path: "Tests/HeraldTesting"),

    .testTarget(name: "HeraldMailTests", dependencies: ["HeraldMail", "HeraldCore", "HeraldTesting"]),
    .testTarget(
      name: "HeraldComposeTests",
      // The default workspace files (HeraldWorkspace) are the inputs of the compose tests.
      dependencies: ["HeraldCompose", "HeraldCore", "HeraldMail", "HeraldWorkspace", "HeraldTesting"],
      exclude: ["Fixtures"]  // golden files, read through #filePath
    ),
    .testTarget(name: "HeraldCoreTests", dependencies: ["HeraldCore", "HeraldTesting", "CDirectoryEntries"]),
    .testTarget(name: "HeraldCurlTests", dependencies: ["HeraldCurl", "HeraldCore", "HeraldTesting", "CCurl"]),
    .testTarget(name: "HeraldStoreTests", dependencies: ["HeraldStore", "HeraldCore", "HeraldMail", "HeraldTesting"]),
    .testTarget(
      name: "HeraldDeliveryTests",
      dependencies: [
        "HeraldDelivery", "HeraldCurl", "HeraldCore", "HeraldMail", "HeraldTesting", .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .testTarget(
      name: "HeraldWorkspaceTests",
      dependencies: ["HeraldWorkspace", "HeraldCompose", "HeraldDelivery", "HeraldCurl", "HeraldCore", "HeraldMail", "HeraldTesting"]
    ),
    .testTarget(
      name: "HeraldWebTests",
      dependencies: [
        "HeraldWeb", "HeraldInbox", "HeraldCampaign", "HeraldWorkspace", "HeraldCompose", "HeraldStore", "HeraldDelivery", "HeraldCore",
        "HeraldMail", "HeraldTesting",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        // The press kit's tests: files named by their SHA-256, the server's log read back.
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .testTarget(
      name: "HeraldInboxTests",
      dependencies: [
        "HeraldInbox", "HeraldCampaign", "HeraldWorkspace", "HeraldCompose", "HeraldStore", "HeraldDelivery", "HeraldCore", "HeraldMail",
        "HeraldCurl", "HeraldTesting", .product(name: "Logging", package: "swift-log"),
      ],
      exclude: ["Fixtures"]  // messages as the world sends them, read through #filePath
    ),
    .testTarget(
      name: "HeraldCampaignTests",
      dependencies: [
        "HeraldCampaign", "HeraldWorkspace", "HeraldCompose", "HeraldStore", "HeraldDelivery", "HeraldCore", "HeraldMail", "HeraldTesting",
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .testTarget(
      name: "HeraldDeskTests",
      dependencies: [
        "HeraldDesk", "HeraldCampaign", "HeraldWorkspace", "HeraldStore", "HeraldCore", "HeraldTesting", "HeraldWeb", "HeraldCompose",
        "HeraldDelivery", "HeraldInbox", "HeraldMail",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      exclude: ["Fixtures"]  // received messages, read through #filePath
    ),
    .testTarget(name: "HeraldCLITests", dependencies: ["HeraldTesting", "HeraldDelivery"]),
    // Chromium through Playwright (Tests/Browser, Python) against the built herald: axe-core's
    // accessibility rules, screenshots, a person's way through the desk.
    .testTarget(name: "HeraldBrowserTests", dependencies: ["HeraldTesting"]),
  ]
)
