import ArgumentParser
import Foundation
import SwitchyardEngine
import SwitchyardHost
import SwitchyardJSON
import SwitchyardRuntime

/// `switchyard tools call TOOL_ID`: runs one tool through its adapter.
struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools", abstract: "Works with the project's tools.", subcommands: [Call.self])

    struct Call: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs one tool through its adapter; stdout is the tool's output JSON object.")

        @Argument(help: "The tool id, as declared in the project or a workflow file.")
        var toolID: String
        @Option(help: "The project directory.")
        var project: String = "."
        @Option(help: "The tool input, a JSON object.")
        var input: String = "{}"
        @Option(help: "The call's time budget, e.g. 500ms, 30s, 2m.")
        var timeout: String?

        func run() async throws {
            let inputValue = try RunCommand.parseInput(input)
            let project: ProjectConfig
            do { project = try ProjectLoader.load(directory: self.project) } catch {
                throw CommandFailure(line: "error: \(error.description)", exitCode: 2)
            }
            var budget: Duration?
            if let timeout {
                guard let parsed = GoDuration.parse(timeout) else {
                    throw CommandFailure.usage("--timeout: \"\(timeout)\" is not a duration (e.g. 500ms, 30s, 2m)")
                }
                budget = parsed
            }
            guard let tool = project.allTools.first(where: { $0.id == toolID }) else {
                let known = project.allTools.map(\.id).sorted().joined(separator: ", ")
                throw CommandFailure(line: "error[not_found]: unknown tool \"\(toolID)\"; declared tools: \(known)", exitCode: 1)
            }
            let adapterID = tool.adapter ?? "runtime"
            let loaded: ProjectAdapters
            do {
                loaded = try await ProjectAdapters.load(for: project, only: [adapterID])
            } catch let error as ToolError {
                throw CommandFailure(line: error.description, exitCode: 1)
            }
            guard let adapter = loaded.adapters[adapterID] else {
                throw CommandFailure(line: "error[not_found]: tool \"\(toolID)\" names adapter \"\(adapterID)\", which the project does not declare", exitCode: 2)
            }
            let request = ToolCallRequest(toolID: tool.id, input: inputValue, config: tool.config,
                                          env: tool.env, timeout: budget ?? tool.timeout)
            do {
                let output = try await adapter.run(request) { event in
                    if case .log(_, let line) = event { FileHandle.standardError.write(Data((line + "\n").utf8)) }
                }
                await loaded.shutdown()
                print(output.jsonString)
            } catch let error as ToolError {
                await loaded.shutdown()
                throw CommandFailure(line: error.description, exitCode: 1)
            }
        }
    }
}
