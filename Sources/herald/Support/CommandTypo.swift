import ArgumentParser
import HeraldCore

/// A word where a command was expected that is not one, with the command meant when one is
/// near ("herald sned" → "herald send"). ArgumentParser alone says "Unexpected argument".
struct CommandTypo {
  /// The commands before the word: `herald lists`.
  var path: [String]
  /// The word as typed.
  var typed: String
  /// The command meant, when one is near enough.
  var meant: String?

  /// The first word of `arguments` that should name a command and names none; nil when the
  /// command line names commands correctly (or stops naming them at an option).
  static func find(in arguments: [String], under root: ParsableCommand.Type) -> CommandTypo? {
    var command = root
    var path = [root.configuration.commandName ?? "herald"]
    for argument in arguments {
      let subcommands = command.configuration.subcommands
      // Options, the built-in help, and commands without subcommands end the search.
      if argument.hasPrefix("-") || argument == "help" || subcommands.isEmpty { return nil }
      let names = subcommands.map { ($0, [$0.configuration.commandName ?? ""] + $0.configuration.aliases) }
      if let (next, _) = names.first(where: { $0.1.contains(argument) }) {
        command = next
        path.append(argument)
        continue
      }
      let meant = Suggestion.closest(to: argument, among: names.flatMap(\.1))
      // Under a group with a default command the word may be that command's argument:
      // only a near command name is a typo there.
      if command.configuration.defaultSubcommand != nil && meant == nil { return nil }
      return CommandTypo(path: path, typed: argument, meant: meant)
    }
    return nil
  }

  /// What to say, in one or two lines.
  var message: String {
    let group = path.joined(separator: " ")
    let known = "Run “\(group) --help” to see the commands."
    guard let meant else { return "“\(typed)” is not a command of \(group). \(known)" }
    return "“\(typed)” is not a command of \(group). Did you mean “\(group) \(meant)”?"
  }
}
