import ArgumentParser

/// `switchyard executions` (placeholder until its issue lands).
struct ExecutionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "executions")
    func run() async throws { throw CommandFailure.usage("executions is not built yet") }
}
