import ArgumentParser

/// `switchyard plugin` (placeholder until its issue lands).
struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plugin")
    func run() async throws { throw CommandFailure.usage("plugin is not built yet") }
}
