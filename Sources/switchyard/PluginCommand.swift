import ArgumentParser
import SwitchyardHost
import SwitchyardJSON

/// `switchyard plugin`: adapter library tools.
struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "Works with adapter libraries.",
        subcommands: [PluginCheckCommand.self, PluginNewCommand.self])
}

/// `switchyard plugin check PATH`: loads an adapter library and checks it against the ABI.
struct PluginCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Loads an adapter library and checks it against the ABI (handshake, describe, a call, "
            + "a cancel, release); exit 0 when conformant.")

    @Argument(help: "The adapter library (.so) to check.")
    var path: String

    @Option(help: "The tool to call (default: the first one describe lists).")
    var tool: String?

    @Option(help: "The call's input, a JSON object (default: built from the tool's input schema).")
    var input: String?

    @Flag(help: "Print one JSON object {library, conformant, steps: [{name, passed, detail}]} instead of lines.")
    var json = false

    @Flag(help: "Run the library as `isolation: process` does, in a switchyard-adapter-helper process.")
    var isolated = false

    func run() async throws {
        var choice = AdapterLibraryCheck.CallChoice(tool: tool)
        if let input {
            guard let value = try? JSONValue(parsing: input), case .object = value else {
                throw CommandFailure.usage("--input: not a JSON object: \(input)")
            }
            choice.input = value
        }
        var steps: [JSONValue] = []
        let conformant: Bool
        do {
            if isolated {
                conformant = try await IsolatedLibraryCheck.run(libraryPath: path, calling: choice) { step in
                    steps.append(step.json)
                    if !json { print(step.line) }
                }
            } else {
                conformant = try await AdapterLibraryCheck.run(libraryPath: path, calling: choice) { step in
                    steps.append(step.json)
                    if !json { print(step.line) }
                }
            }
        } catch {
            throw CommandFailure(line: error.description, exitCode: 2)
        }
        if json {
            let report: JSONValue = [
                "library": .string(path), "conformant": .bool(conformant), "steps": .array(steps),
            ]
            print(report.jsonString)
        }
        guard conformant else {
            throw CommandFailure(line: "error: \(path) is not a conformant Switchyard adapter", exitCode: 1)
        }
    }
}
