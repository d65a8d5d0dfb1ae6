import ArgumentParser
import Foundation
import HeraldCore
import HeraldStore

struct ListsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lists",
    abstract: "Show, create, delete, import and export subscriber lists.",
    subcommands: [Show.self, Create.self, Update.self, Delete.self, Import.self, Export.self],
    defaultSubcommand: Show.self,
    aliases: ["list"]
  )

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "A table of lists with their member counts, or one list's members (herald lists show NAME).")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: ArgumentHelp("A list whose members to show, a page at a time.", valueName: "NAME")) var name: String?
    @Option(help: "With NAME: only members with this status (subscribed, pending, unsubscribed, bounced, complained).") var status: MembershipStatus?
    @Option(help: "With NAME: the page to show, from 1.") var page: Int = 1
    @Option(name: .customLong("per-page"), help: "With NAME: members on a page (1–10000).") var perPage: Int = 50
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
      if name == nil && (status != nil || page != 1) { throw ValidationError("--status and --page need a list: herald lists show NAME --page 2") }
      guard page >= 1 else { throw ValidationError("--page counts from 1") }
      guard (1...10_000).contains(perPage) else { throw ValidationError("--per-page is from 1 to 10000") }
    }

    func run() throws {
      let store = try options.store()
      if let name {
        try showMembers(of: name, in: store)
        return
      }
      let (lists, counts) = (try store.lists(), try store.counts())
      if json {
        try JSONOutput.print(lists.map { ListCountsJSON(list: ListJSON($0), counts: counts[$0.name] ?? ListCounts()) })
        return
      }
      guard !lists.isEmpty else {
        Terminal.say("No lists yet. Make one with: herald lists create press-en --title \"Press releases (English)\"")
        return
      }
      var rows = [["LIST", "TITLE", "FORM", "EMBARGOED", "SUBSCRIBED", "PENDING", "UNSUBSCRIBED", "BOUNCED", "COMPLAINED"]]
      for list in lists {
        let count = counts[list.name] ?? ListCounts()
        rows.append([
          list.name, list.title, list.isPublic ? (list.doubleOptIn ? "public, confirmed" : "public") : "-",
          list.embargoedCopies ? "copies" : "-", "\(count.subscribed)", "\(count.pending)", "\(count.unsubscribed)", "\(count.bounced)",
          "\(count.complained)",
        ])
      }
      Terminal.table(rows, rightAligned: [4, 5, 6, 7, 8])
    }

    /// One page of a list's members, by address, with the command for the next page.
    private func showMembers(of list: String, in store: SubscriberStore) throws {
      let members = try store.members(ofList: list, status: status, page: page, perPage: perPage)
      if json {
        try JSONOutput.print(MemberPageJSON(list: list, members))
        return
      }
      let which = status.map { "\($0.rawValue) " } ?? ""
      guard members.total > 0 else {
        Terminal.say("\(list) has no \(which)members.")
        return
      }
      guard !members.members.isEmpty else {
        Terminal.say("\(list) has \(members.total) \(which)member(s) on \(members.pages) page(s); there is no page \(page).")
        return
      }
      let time = try options.localTime()
      var rows = [["EMAIL", "NAME", "ORGANISATION", "STATUS", "SINCE"]]
      for member in members.members {
        rows.append([
          // Table cells are made safe for the terminal by Terminal.table.
          member.subscriber.email, member.subscriber.name ?? "", member.subscriber.organization ?? "",
          member.status.rawValue, time.day(member.since),
        ])
      }
      Terminal.table(rows)
      let first = (members.page - 1) * members.perPage + 1
      var footer = "\(first)–\(first + members.members.count - 1) of \(members.total) \(which)member(s), page \(members.page) of \(members.pages)."
      if members.page < members.pages {
        let status = status.map { " --status \($0.rawValue)" } ?? ""
        let size = perPage == 50 ? "" : " --per-page \(perPage)"
        footer += " Next: herald lists show \(list)\(status)\(size) --page \(members.page + 1)"
      }
      Terminal.say(footer)
    }
  }

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Make a list.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The list's name: lowercase letters, digits and hyphens, like press-en.") var name: String
    @Option(help: "What people see, like \"Press releases (English)\".") var title: String?
    @Option(help: "A sentence about what the list sends.") var description: String = ""
    @Option(help: "The language of what it sends, like en.") var language: String?
    @Flag(name: .customLong("double-opt-in"), help: "New subscribers must confirm by email first.") var doubleOptIn = false
    @Flag(name: .customLong("public"), help: "Give it a subscription form on the web (herald serve).") var isPublic = false
    @Flag(name: .customLong("single-opt-in"), help: "With --public: let the form subscribe an address without a confirmation (not advised).")
    var singleOptIn = false
    @Option(help: ArgumentHelp("What its web form says a subscriber agrees to.", valueName: "TEXT")) var consent: String?
    @Flag(name: .customLong("embargoed-copies"), help: "Its members (vetted journalists) get releases under embargo before the embargo lifts, marked as embargoed.")
    var embargoedCopies = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
      if singleOptIn && doubleOptIn { throw ValidationError("--single-opt-in and --double-opt-in contradict each other; choose one") }
      if isPublic && !doubleOptIn && !singleOptIn { throw ListsCommand.singleOptInNeedsSaying(name) }
    }

    func run() throws {
      if isPublic && singleOptIn { ListsCommand.warnSingleOptIn(name) }
      let store = try options.store()
      var list = try store.createList(name: name, title: title, description: description, language: language, doubleOptIn: doubleOptIn)
      if isPublic || consent != nil || embargoedCopies {
        list = try store.updateList(name) { list in
          list.isPublic = isPublic
          list.embargoedCopies = embargoedCopies
          if let consent { list.consentText = consent }
        }
      }
      if json {
        try JSONOutput.print(ListJSON(list))
      } else {
        Terminal.say("Created the list \(list.name) (“\(Terminal.safe(list.title))”)\(ListsCommand.traits(list)).")
      }
    }
  }

  struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a list's title, description, opt-in or web form.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The list's name.") var name: String
    @Option(help: "What people see.") var title: String?
    @Option(help: "A sentence about what the list sends.") var description: String?
    @Option(help: "The language of what it sends, like en.") var language: String?
    @Flag(inversion: .prefixedEnableDisable, help: "New subscribers must confirm by email first.") var doubleOptIn: Bool?
    @Flag(help: "A subscription form on the web (--public), or none (--private).") var visibility: Visibility?
    @Flag(name: .customLong("single-opt-in"), help: "Let a public list's form subscribe an address without a confirmation (not advised); turns double opt-in off.")
    var singleOptIn = false
    @Option(help: ArgumentHelp("What its web form says a subscriber agrees to.", valueName: "TEXT")) var consent: String?
    @Flag(name: .customLong("embargoed-copies"), inversion: .prefixedNo,
      help: "Its members get releases under embargo before the embargo lifts, marked (--embargoed-copies), or at the lift (--no-embargoed-copies).")
    var embargoedCopies: Bool?
    @Flag(help: "Print JSON.") var json = false

    enum Visibility: String, EnumerableFlag {
      case `public`, `private`
    }

    func validate() throws {
      if title == nil && description == nil && language == nil && doubleOptIn == nil && visibility == nil && consent == nil && !singleOptIn
        && embargoedCopies == nil
      {
        throw ValidationError(
          "say what to change: --title, --description, --language, --enable-double-opt-in/--disable-double-opt-in, --single-opt-in, --public/--private, --consent or --embargoed-copies/--no-embargoed-copies")
      }
      if singleOptIn && doubleOptIn == true {
        throw ValidationError("--single-opt-in and --enable-double-opt-in contradict each other; choose one")
      }
    }

    func run() throws {
      // A change that leaves the list public without double opt-in must say so (--single-opt-in):
      // anyone could then put any address on it. Checked in the change's own transaction.
      let changesOptIn = visibility == .public || doubleOptIn == false || singleOptIn
      let list = try options.store().updateList(name) { list in
        if let title { list.title = title }
        if let description { list.description = description }
        if let language { list.language = language.isEmpty ? nil : language }
        if let doubleOptIn { list.doubleOptIn = doubleOptIn }
        if singleOptIn { list.doubleOptIn = false }
        if let visibility { list.isPublic = visibility == .public }
        if let consent { list.consentText = consent }
        if let embargoedCopies { list.embargoedCopies = embargoedCopies }
        if changesOptIn && list.isPublicSingleOptIn && !singleOptIn { throw ListsCommand.singleOptInNeedsSaying(name) }
      }
      if list.isPublicSingleOptIn { ListsCommand.warnSingleOptIn(name) }
      if json {
        try JSONOutput.print(ListJSON(list))
      } else {
        Terminal.say("Updated the list \(list.name) (“\(Terminal.safe(list.title))”)\(ListsCommand.traits(list)).")
      }
    }
  }

  /// The usage error for a list made public without double opt-in and without saying so.
  static func singleOptInNeedsSaying(_ name: String) -> ValidationError {
    ValidationError(
      "a public list without double opt-in lets anyone subscribe any address: \(MailingList.whyDoubleOptIn). "
        + "Add --double-opt-in (lists create) or --enable-double-opt-in (lists update); "
        + "or, if the list's subscribers are confirmed some other way, say so with --single-opt-in")
  }

  /// Says, on standard error, why a public single opt-in list is not advised.
  static func warnSingleOptIn(_ name: String) {
    Terminal.warning("the list \(name) is public without double opt-in (--single-opt-in): \(MailingList.whyDoubleOptIn)")
  }

  /// ", double opt-in, public".
  static func traits(_ list: MailingList) -> String {
    (list.doubleOptIn ? ", double opt-in" : "") + (list.isPublic ? ", with a subscription form on the web" : "")
      + (list.embargoedCopies ? ", takes embargoed copies" : "")
  }

  struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "delete", abstract: "Delete a list and its memberships (subscribers and their other lists stay).")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The list's name.") var name: String
    @Flag(help: "Confirm: the memberships and their consent evidence are deleted.") var yes = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
      guard yes else {
        throw ValidationError("deleting “\(name)” removes its memberships and their consent evidence; add --yes to do it")
      }
    }

    func run() throws {
      let store = try options.store()
      try store.deleteList(name: name)
      if json { try JSONOutput.print(ListDeletedJSON(deleted: name)) } else { Terminal.say("Deleted the list \(name).") }
    }
  }

  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Import subscribers from a CSV file into a list, all or nothing.",
      discussion: """
        The header row names the columns: an email column is required; name (or first and last name), \
        organization and language are understood, as are Mailchimp's and listmonk's export columns; \
        any other column becomes a custom attribute. UTF-8, Windows-1251 and Latin-1 files; comma, \
        semicolon or tab separated. Addresses that unsubscribed, bounced or are suppressed are kept out \
        unless --resubscribe.
        """
    )
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The list's name.") var name: String
    @Argument(help: ArgumentHelp("The CSV file.", valueName: "FILE.csv")) var file: String
    @Option(help: "The status of imported addresses: subscribed, or pending (they must confirm).") var status: MembershipStatus = .subscribed
    @Flag(name: .customLong("dry-run"), help: "Report what would happen; change nothing.") var dryRun = false
    @Flag(help: "Let addresses that unsubscribed or bounced back in (only with their fresh consent).") var resubscribe = false
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
      guard [.subscribed, .pending].contains(status) else {
        throw ValidationError("--status must be subscribed or pending for an import, not “\(status.rawValue)”")
      }
    }

    func run() throws {
      let url = URL(fileURLWithPath: file)
      guard FileManager.default.isReadableFile(atPath: url.path) else {
        throw CommandFailure("cannot read \(file); check the path and its permissions")
      }
      let showProgress = !json && Terminal.colours(STDERR_FILENO)
      let start = Date()
      let report = try options.store().importCSV(
        url, displayName: file, into: name, status: status, dryRun: dryRun, resubscribe: resubscribe,
        progress: showProgress ? { rows in FileHandle.standardError.write(Data("\rImporting… \(rows.formatted()) rows".utf8)) } : nil)
      if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
      if json {
        try JSONOutput.print(ImportReportJSON(report))
        return
      }
      for warning in report.warnings { Terminal.warning(warning) }
      let seconds = Date().timeIntervalSince(start)
      Terminal.say("\(dryRun ? "Dry run: would import" : "Imported") \(file) into \(name): \(report.rows.formatted()) rows in \(String(format: "%.1f", seconds)) s")
      var lines: [(String, Int, String)] = [
        ("added", report.added, "new on the list"),
        ("updated", report.updated, "already on it; details or status changed"),
        ("unchanged", report.unchanged, "already on it as they are"),
        ("duplicates", report.duplicates, "the same address again in the file"),
        ("kept out", report.keptOut, "suppressed; or unsubscribed, bounced before (--resubscribe lets these in)"),
        ("rejected", report.rejected, "no valid address"),
      ]
      if report.cleaned > 0 {
        lines.append(("cleaned", report.cleaned, "imported with line breaks or control characters in a name made spaces, bidirectional controls removed"))
      }
      for (label, count, meaning) in lines {
        Terminal.say("  " + label.padding(toLength: 11, withPad: " ", startingAt: 0) + count.formatted().leftPadded(to: 9) + "  " + meaning)
      }
      if !report.problems.isEmpty {
        Terminal.say()
        for problem in report.problems.prefix(50) {
          // A rejection's reason quotes the address already.
          let who = problem.email.isEmpty || problem.reason.contains(problem.email) ? "" : problem.email + ": "
          // The reason quotes the file's cells: printed safe.
          Terminal.say("  \(file):\(problem.line): \(Terminal.safe(who + problem.reason))")
        }
        let more = report.rejected + report.keptOut + report.cleaned - min(50, report.problems.count)
        if more > 0 { Terminal.say("  … and \(more.formatted()) more (--json lists up to \(SubscriberStore.ImportReport.problemLimit))") }
      }
      if !report.duplicateRows.isEmpty {
        Terminal.say()
        for duplicate in report.duplicateRows.prefix(50) {
          // The changes quote the file's cells: printed safe.
          let changes = duplicate.changes.isEmpty
            ? "it would have changed nothing"
            : "it would have changed " + duplicate.changes.map(\.description).joined(separator: ", ")
          Terminal.say("  \(file):\(duplicate.line): \(duplicate.email) again: line \(duplicate.firstLine) counts, this row was left out; \(Terminal.safe(changes))")
        }
        let more = report.duplicates - min(50, report.duplicateRows.count)
        if more > 0 { Terminal.say("  … and \(more.formatted()) more duplicates (--json lists up to \(SubscriberStore.ImportReport.problemLimit))") }
      }
      if dryRun { Terminal.say("Nothing was changed (--dry-run).") }
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export", abstract: "Write a list's members as CSV (imports back unchanged).",
      discussion: """
        A cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a \
        carriage return) is written with a ' in front, as OWASP advises against CSV injection; \
        herald lists import takes the ' off again. --raw writes the cells as they are.
        """)
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The list's name.") var name: String
    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write (default: standard output).", valueName: "FILE")) var output: String?
    @Option(help: "Only members with this status.") var status: MembershipStatus?
    @Flag(help: "Write cells as they are, without neutralising those a spreadsheet would run as formulas.") var raw = false

    func run() throws {
      let store = try options.store()
      if let output {
        // Written whole or not at all: never a half-written export.
        var count = 0
        try DurableFile.write(to: URL(fileURLWithPath: output), mode: 0o600) { writer in
          count = try store.exportCSV(list: name, status: status, neutralizingFormulas: !raw) { try writer.write($0) }
        }
        Terminal.warn("Wrote \(count.formatted()) members of \(name) to \(output).")
      } else {
        var buffer = ""
        try store.exportCSV(list: name, status: status, neutralizingFormulas: !raw) { line in
          buffer += line
          if buffer.utf8.count > 64 * 1024 {
            FileHandle.standardOutput.write(Data(buffer.utf8))
            buffer = ""
          }
        }
        FileHandle.standardOutput.write(Data(buffer.utf8))
      }
    }
  }
}

extension String {
  func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }

  /// At most `width` characters, the last of them "…" when the text was longer.
  func shortened(to width: Int) -> String {
    count <= width ? self : String(prefix(width - 1)) + "…"
  }
}
