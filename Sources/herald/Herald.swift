import ArgumentParser

@main
struct Herald: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "herald",
    abstract: "Write press releases in Markdown; send them as correct, good-looking email.",
    discussion: """
      Every command works on a workspace: a folder with herald.yml, Templates/, Lists/, \
      Outbox/ and Releases/. It is the current folder unless --workspace says otherwise; \
      “herald init DIR” makes one.
      """,
    version: "0.1.0",
    subcommands: [
      InitCommand.self, NewCommand.self, CheckCommand.self, PreviewCommand.self, ListsCommand.self, SubscribersCommand.self,
      SendCommand.self, DeliverCommand.self, OutboxCommand.self, SinkCommand.self, DKIMCommand.self,
    ]
  )
}
