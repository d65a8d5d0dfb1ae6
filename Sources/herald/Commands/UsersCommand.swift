import ArgumentParser
import Foundation
import HeraldCampaign
import HeraldCore
import HeraldStore

struct UsersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "users",
    abstract: "The people who sign in to the desk: add, list, set a password, change a role, disable, reset two-step sign-in.",
    discussion: """
      Roles: a viewer reads; an editor also writes releases; a sender also sends, schedules \
      and corrects; an admin also manages users. A password is read from standard input when \
      it is not a terminal (one line: printf '%s\\n' \"$PASSWORD\" | herald users add …); \
      otherwise, or when standard input is empty, Herald makes up a one-time password, prints \
      it once, and the person must change it when they first sign in. Passwords are never \
      taken as arguments (others can read a command line) and never logged.
      """,
    subcommands: [Add.self, List.self, Passwd.self, Role.self, Disable.self, ResetTwoStep.self],
    defaultSubcommand: List.self,
    aliases: ["user"])

  /// The accounts of the workspace's store.
  static func accounts(_ options: WorkspaceOptions) throws -> DeskAccounts {
    DeskAccounts(store: try options.store(), logger: options.logger)
  }

  /// The password on standard input when it is not a terminal (its first line, without the
  /// line break); nil when it is a terminal or empty.
  static func passwordFromStandardInput() -> String? {
    guard isatty(STDIN_FILENO) == 0 else { return nil }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    var text = String(decoding: data, as: UTF8.self)
    if let end = text.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) { text = String(text[..<end]) }
    return text.isEmpty ? nil : text
  }

  /// Checks a role's name for `validate()`: a usage error (64) that lists the roles.
  static func validRole(_ name: String) throws {
    guard DeskRole(named: name) != nil else {
      throw ValidationError("“\(name)” is not a role; use \(DeskRole.names) (each can do what the ones before it can)")
    }
  }

  /// Says a one-time password once, and what it means.
  static func sayOneTimePassword(_ password: String, for user: DeskUser) {
    Terminal.say("One-time password for \(Terminal.safe(user.email)): \(password)")
    Terminal.say("It is shown only now. Give it to \(Terminal.safe(user.name)) by a safe way; it must be changed at first sign-in.")
  }

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a person who signs in to the desk.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "Their name as colleagues know it (quote it: \"Claire Durand\").") var name: String
    @Option(help: ArgumentHelp("The address they sign in with.", valueName: "ADDRESS")) var email: String
    @Option(help: ArgumentHelp("viewer, editor, sender or admin.", valueName: "ROLE")) var role: String
    @Flag(help: "Print JSON (with the one-time password, when Herald made one up).") var json = false

    func validate() throws { try UsersCommand.validRole(role) }

    func run() throws {
      let accounts = try UsersCommand.accounts(options)
      let (user, generated) = try accounts.add(
        name: name, email: email, role: DeskAccounts.role(named: role), password: UsersCommand.passwordFromStandardInput())
      if json {
        try JSONOutput.print(DeskPasswordJSON(user: DeskUserJSON(user), oneTimePassword: generated))
        return
      }
      Terminal.say("Added \(Terminal.safe(user.name)) <\(Terminal.safe(user.email))> as \(user.role).")
      if let generated { UsersCommand.sayOneTimePassword(generated, for: user) }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The desk's users, by name.")
    @OptionGroup var options: WorkspaceOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let users = try UsersCommand.accounts(options).users()
      if json {
        try JSONOutput.print(users.map(DeskUserJSON.init))
        return
      }
      guard !users.isEmpty else {
        Terminal.say("No desk users yet. Add one: herald users add \"Claire Durand\" --email claire@example.org --role admin")
        return
      }
      let time = try options.localTime()
      Terminal.table([["NAME", "EMAIL", "ROLE", "STATE", "TWO-STEP", "ADDED"]] + users.map { user in
        let state = user.disabled ? "disabled" : user.mustChangePassword ? "must change password" : "active"
        return [user.name, user.email, user.role.rawValue, state, user.twoStep ? "on" : "off", time.day(user.createdAt)]
      }, shrinking: [0: 12, 1: 16])
    }
  }

  struct Passwd: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "passwd", abstract: "Set a user's password (from standard input, else a one-time one); their sessions end.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The user's address.") var email: String
    @Flag(help: "Print JSON (with the one-time password, when Herald made one up).") var json = false

    func run() throws {
      let accounts = try UsersCommand.accounts(options)
      let generated = try accounts.resetPassword(email: email, password: UsersCommand.passwordFromStandardInput())
      let user = try accounts.user(email: email)
      if json {
        try JSONOutput.print(DeskPasswordJSON(user: DeskUserJSON(user), oneTimePassword: generated))
        return
      }
      Terminal.say("Set the password of \(Terminal.safe(user.email)); their sessions have ended.")
      if let generated { UsersCommand.sayOneTimePassword(generated, for: user) }
    }
  }

  struct Role: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "role", abstract: "Give a user another role.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The user's address.") var email: String
    @Argument(help: "viewer, editor, sender or admin.") var role: String

    func validate() throws { try UsersCommand.validRole(role) }

    func run() throws {
      let user = try UsersCommand.accounts(options).setRole(email: email, DeskAccounts.role(named: role))
      Terminal.say("\(Terminal.safe(user.email)) is now \(user.role).")
    }
  }

  struct Disable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Stop a user signing in; their sessions end at once.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The user's address.") var email: String

    func run() throws {
      let user = try UsersCommand.accounts(options).disable(email: email)
      Terminal.say("Disabled \(Terminal.safe(user.email)): they can no longer sign in, and their sessions have ended.")
    }
  }
  struct ResetTwoStep: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reset-two-step",
      abstract: "Remove a user's authenticator (a lost phone): they sign in with their password and set up a new one; their sessions end.")
    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The user's address.") var email: String

    func run() throws {
      let user = try UsersCommand.accounts(options).resetTwoStep(email: email)
      Terminal.say("Two-step sign-in of \(Terminal.safe(user.email)) is reset: they sign in with their password alone"
        + " (and set up a new authenticator first where desk.two_step requires it); their sessions have ended.")
    }
  }

}
