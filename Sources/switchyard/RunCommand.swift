import ArgumentParser

/// `switchyard run` (placeholder until its issue lands).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run")
    func run() async throws { throw CommandFailure.usage("run is not built yet") }
}
