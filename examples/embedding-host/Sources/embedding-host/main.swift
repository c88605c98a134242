// A host that embeds Switchyard: opens its own project, runs a workflow, calls one tool, prints
// both outputs and shuts down.
//
//     embedding-host [--adapters DIR] [--project DIR] [--store FILE]
//
// The adapter libraries (libtextkit.so) are built by the Switchyard package, not by this one:
// `--adapters` (or $SWITCHYARD_ADAPTER_PATH) names the directory that holds them, e.g.
// `$(swift build --show-bin-path)` in the Switchyard checkout.
import Foundation
import SwitchyardHost

/// The value after `flag` on the command line, if any.
func argument(_ flag: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// The demo project next to this package, wherever it is checked out.
let bundledProject = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("project").path

var options = ProjectHost.Options()
if let adapters = argument("--adapters") { options.adapterDirectories = [adapters] }
if let store = argument("--store") { options.store = .sqlite(path: store) }

do {
    let host = try await ProjectHost.open(directory: argument("--project") ?? bundledProject, options: options)
    // Whatever happens below, the adapters are shut down before the process exits.
    let outcome: Result<(WorkflowResult, JSONValue), HostError>
    do {
        let result = try await host.run(workflowID: "shout", input: ["line": "hosts embed the runtime"])
        let counted = try await host.callTool("word_count", input: ["text": "one tool, called directly"])
        outcome = .success((result, counted))
    } catch {
        outcome = .failure(error)
    }
    await host.shutdown()
    let (result, counted) = try outcome.get()
    print("workflow shout: \(result.status.rawValue) \(result.output.jsonString)")
    print("tool word_count: \(counted.jsonString)")
    if result.status != .success { exit(1) }
} catch {
    // HostError's description is one line naming the file, library or id at fault.
    FileHandle.standardError.write(Data("embedding-host: \(error)\n".utf8))
    exit(2)
}
