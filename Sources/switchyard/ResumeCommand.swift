import ArgumentParser

/// `switchyard resume` (placeholder until its issue lands).
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume")
    func run() async throws { throw CommandFailure.usage("resume is not built yet") }
}
