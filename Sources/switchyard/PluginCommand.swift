import ArgumentParser
import Foundation
import SwitchyardRuntime
import SwitchyardAdapterHost

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
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure.usage("plugin check: no such file: \(path)")
        }
        let check = AdapterConformanceCheck(policy: AdapterLoadPolicy(allowedDirectories: nil, refuseWritableByOthers: true))
        let conformant = await check.run(libraryPath: path) { step in print(step.line) }
        guard conformant else {
            throw CommandFailure(line: "error: \(path) is not a conformant Switchyard adapter", exitCode: 1)
        }
    }
}
