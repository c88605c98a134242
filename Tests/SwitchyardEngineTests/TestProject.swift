import Foundation
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardTestSupport

/// A project written to a fresh temporary directory, with an engine over a real SQLite store.
struct TestProject {
    let directory: String
    let adapter = TestAdapter()

    /// The tools every test project declares (all served by `TestAdapter` as the runtime).
    static let tools = """
        tools:
          - id: echo
          - id: add
          - id: fail
          - id: flaky
          - id: sleep
          - id: append
          - id: error_field
        """

    /// Writes `compozy.yaml` listing `workflows` (file name → YAML) plus any `extra` files.
    init(workflows: [String: String], project: String? = nil, extra: [String: String] = [:]) throws {
        directory = TemporaryDirectory.make("switchyard-engine")
        let sources = workflows.keys.sorted().map { "  - source: \($0)" }.joined(separator: "\n")
        let projectText = project ?? "name: test\nversion: \"1\"\nworkflows:\n\(sources)\n\(Self.tools)\n"
        try write("compozy.yaml", projectText)
        for (name, text) in workflows { try write(name, text) }
        for (name, text) in extra { try write(name, text) }
    }

    /// A project with one workflow file `wf.yaml`.
    init(_ workflow: String) throws {
        try self.init(workflows: ["wf.yaml": workflow])
    }

    func write(_ name: String, _ text: String) throws {
        let parent = (path(name) as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    var storePath: String { directory + "/.switchyard/state.sqlite" }

    func load() throws -> ProjectConfig { try ProjectLoader.load(directory: directory) }

    func engine(store: (any ExecutionStore)? = nil) throws -> WorkflowEngine {
        WorkflowEngine(project: try load(), adapters: ["runtime": adapter],
                       store: try store ?? SQLiteExecutionStore(path: storePath))
    }

    func run(_ workflowID: String = "wf", input: JSONValue = .emptyObject) async throws -> WorkflowResult {
        try await engine().run(workflowID: workflowID, input: input)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func lines(_ name: String) -> [String] {
        ((try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
