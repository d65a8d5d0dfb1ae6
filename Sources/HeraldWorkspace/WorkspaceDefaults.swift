import HeraldCompose

/// The files a new workspace starts with, compiled into the binary from
/// Sources/HeraldWorkspace/Resources (the repository's own workspace links to the same files).
package enum WorkspaceDefaults {
  /// A file and its contents.
  package struct File: Sendable {
    /// The path inside the workspace.
    package var path: String
    /// The bytes.
    package var contents: [UInt8]
  }

  /// The sample release's path inside a workspace.
  package static let sampleReleasePath = "Releases/2020-03-31-water-report.md"

  /// The sample release's Russian translation (the same slug, `.ru` before `.md`).
  package static let sampleTranslationPath = "Releases/2020-03-31-water-report.ru.md"

  /// The sample list's path inside a workspace.
  package static let sampleListPath = "Lists/press-en.csv"

  /// Every default file.
  package static let files: [File] = [
    File(path: "herald.yml", contents: PackageResources.herald_yml),
    File(path: ".gitignore", contents: PackageResources.gitignore),
    File(path: "Templates/" + ReleaseTemplates.htmlFile, contents: PackageResources.release_html_mustache),
    File(path: "Templates/" + ReleaseTemplates.textFile, contents: PackageResources.release_txt_mustache),
    File(path: sampleReleasePath, contents: PackageResources.sample_release_md),
    File(path: sampleTranslationPath, contents: PackageResources.sample_release_ru_md),
    File(path: sampleListPath, contents: PackageResources.sample_list_csv),
    // The sample release's photo and report (made by scripts/make-sample-media).
    File(path: "Releases/water-losses.jpg", contents: PackageResources.sample_photo_jpg),
    File(path: "Releases/counting-the-drops.pdf", contents: PackageResources.sample_report_pdf),
  ] + webTemplates + stringsTables

  /// Herald's own words in each language it ships (Templates/strings/LANG.yml): copied into
  /// a new workspace to be edited, and the base under a workspace's own.
  package static let stringsTables: [File] = [
    File(path: "Templates/strings/en.yml", contents: PackageResources.en_yml),
    File(path: "Templates/strings/ru.yml", contents: PackageResources.ru_yml),
    File(path: "Templates/strings/de.yml", contents: PackageResources.de_yml),
    File(path: "Templates/strings/fr.yml", contents: PackageResources.fr_yml),
    File(path: "Templates/strings/es.yml", contents: PackageResources.es_yml),
  ]

  /// The web server's pages and stylesheet (Templates/web/), also its defaults when a
  /// workspace made before them has none.
  package static let webTemplates: [File] = [
    File(path: "Templates/web/confirm.mustache", contents: PackageResources.confirm_mustache),
    File(path: "Templates/web/confirmed.mustache", contents: PackageResources.confirmed_mustache),
    File(path: "Templates/web/contact-sent.mustache", contents: PackageResources.contact_sent_mustache),
    File(path: "Templates/web/contact.mustache", contents: PackageResources.contact_mustache),
    File(path: "Templates/web/index.mustache", contents: PackageResources.index_mustache),
    File(path: "Templates/web/layout.mustache", contents: PackageResources.layout_mustache),
    File(path: "Templates/web/problem.mustache", contents: PackageResources.problem_mustache),
    File(path: "Templates/web/release.mustache", contents: PackageResources.release_mustache),
    File(path: "Templates/web/style.css", contents: PackageResources.style_css),
    File(path: "Templates/web/subscribe-lists.mustache", contents: PackageResources.subscribe_lists_mustache),
    File(path: "Templates/web/subscribe-sent.mustache", contents: PackageResources.subscribe_sent_mustache),
    File(path: "Templates/web/subscribe.mustache", contents: PackageResources.subscribe_mustache),
    File(path: "Templates/web/unsubscribe.mustache", contents: PackageResources.unsubscribe_mustache),
    File(path: "Templates/web/unsubscribed.mustache", contents: PackageResources.unsubscribed_mustache),
  ]

  /// The desk's pages and stylesheet (Templates/desk/). Not written by `herald init`: a
  /// workspace overrides one by putting a file of the same name in Templates/desk/.
  package static let deskTemplates: [File] = [
    File(path: "Templates/desk/page.mustache", contents: PackageResources.page_mustache),
    File(path: "Templates/desk/sign-in.mustache", contents: PackageResources.sign_in_mustache),
    File(path: "Templates/desk/sign-in-code.mustache", contents: PackageResources.sign_in_code_mustache),
    File(path: "Templates/desk/two-step.mustache", contents: PackageResources.two_step_mustache),
    File(path: "Templates/desk/releases.mustache", contents: PackageResources.releases_mustache),
    File(path: "Templates/desk/overview.mustache", contents: PackageResources.overview_mustache),
    File(path: "Templates/desk/account.mustache", contents: PackageResources.account_mustache),
    File(path: "Templates/desk/users.mustache", contents: PackageResources.users_mustache),
    File(path: "Templates/desk/forbidden.mustache", contents: PackageResources.forbidden_mustache),
    File(path: "Templates/desk/check.mustache", contents: PackageResources.check_mustache),
    File(path: "Templates/desk/preview.mustache", contents: PackageResources.preview_mustache),
    File(path: "Templates/desk/send.mustache", contents: PackageResources.send_mustache),
    File(path: "Templates/desk/send-confirm.mustache", contents: PackageResources.send_confirm_mustache),
    File(path: "Templates/desk/campaign.mustache", contents: PackageResources.campaign_mustache),
    File(path: "Templates/desk/audit.mustache", contents: PackageResources.audit_mustache),
    File(path: "Templates/desk/outbox.mustache", contents: PackageResources.outbox_mustache),
    File(path: "Templates/desk/desk.css", contents: PackageResources.desk_css),
    File(path: "Templates/desk/desk.js", contents: PackageResources.desk_js),
    // Writing a release.
    File(path: "Templates/desk/new-release.mustache", contents: PackageResources.new_release_mustache),
    File(path: "Templates/desk/edit.mustache", contents: PackageResources.edit_mustache),
    File(path: "Templates/desk/files.mustache", contents: PackageResources.files_mustache),
    // The shared inbox of inquiries.
    File(path: "Templates/desk/inquiries.mustache", contents: PackageResources.inquiries_mustache),
    File(path: "Templates/desk/inquiry.mustache", contents: PackageResources.inquiry_mustache),
    File(path: "Templates/desk/inquiry-entry.mustache", contents: PackageResources.inquiry_entry_mustache),
    File(path: "Templates/desk/inquiry-reply.mustache", contents: PackageResources.inquiry_reply_mustache),
    // Received mail.
    File(path: "Templates/desk/inbox.mustache", contents: PackageResources.inbox_mustache),
    File(path: "Templates/desk/received.mustache", contents: PackageResources.received_mustache),
    File(path: "Templates/desk/subscribers.mustache", contents: PackageResources.subscribers_mustache),
    File(path: "Templates/desk/subscriber.mustache", contents: PackageResources.subscriber_mustache),
    File(path: "Templates/desk/subscriber-new.mustache", contents: PackageResources.subscriber_new_mustache),
    File(path: "Templates/desk/subscriber-forget.mustache", contents: PackageResources.subscriber_forget_mustache),
    File(path: "Templates/desk/subscriber-forgotten.mustache", contents: PackageResources.subscriber_forgotten_mustache),
    File(path: "Templates/desk/suppressions.mustache", contents: PackageResources.suppressions_mustache),
    File(path: "Templates/desk/lists.mustache", contents: PackageResources.lists_mustache),
    File(path: "Templates/desk/list.mustache", contents: PackageResources.list_mustache),
    File(path: "Templates/desk/list-import-upload.mustache", contents: PackageResources.list_import_upload_mustache),
    File(path: "Templates/desk/list-import-check.mustache", contents: PackageResources.list_import_check_mustache),
    File(path: "Templates/desk/list-import.mustache", contents: PackageResources.list_import_mustache),
    File(path: "Templates/desk/subscriber-edit.mustache", contents: PackageResources.subscriber_edit_mustache),
    // Reports.
    File(path: "Templates/desk/report.mustache", contents: PackageResources.report_mustache),
    File(path: "Templates/desk/reports.mustache", contents: PackageResources.reports_mustache),
  ]
}
