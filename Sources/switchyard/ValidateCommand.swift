import ArgumentParser

/// `switchyard validate` (placeholder until its issue lands).
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate")
    func run() async throws { throw CommandFailure.usage("validate is not built yet") }
}
