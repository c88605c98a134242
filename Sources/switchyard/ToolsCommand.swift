import ArgumentParser

/// `switchyard tools` (placeholder until its issue lands).
struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tools")
    func run() async throws { throw CommandFailure.usage("tools is not built yet") }
}
