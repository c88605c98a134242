import ArgumentParser
import SwitchyardHost

/// `switchyard plugin`: adapter library tools.
struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "Works with adapter libraries.",
        subcommands: [PluginCheckCommand.self])
}

/// `switchyard plugin check PATH`: loads an adapter library and checks it against the ABI.
struct PluginCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Loads an adapter library and checks it against the ABI (handshake, describe, a call, "
            + "a cancel, release); exit 0 when conformant.")

    @Argument(help: "The adapter library (.so) to check.")
    var path: String

    func run() async throws {
        let conformant: Bool
        do { conformant = try await AdapterLibraryCheck.run(libraryPath: path) { print($0) } } catch {
            throw CommandFailure(line: error.description, exitCode: 2)
        }
        guard conformant else {
            throw CommandFailure(line: "error: \(path) is not a conformant Switchyard adapter", exitCode: 1)
        }
    }
}
