import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardAdapterHost

/// The engine over a real C plugin: textkit's libtextkit.so, loaded with dlopen through the
/// runtime's `LibraryAdapter` — the adapter protocol is all the engine sees.
@Suite(.timeLimit(.minutes(1)))
struct EngineAdapterTests {
    static var textKitPath: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("libtextkit.so").path
    }

    static let project = """
        name: plugin
        workflows:
          - source: wf.yaml
          - source: slow.yaml
        adapters:
          - {id: textkit, library: textkit}
        tools:
          - {id: word_count, adapter: textkit}
          - {id: upper, adapter: textkit}
          - {id: sleep, adapter: textkit}
        """

    static let workflows = [
        "wf.yaml": """
            id: wf
            tasks:
              - id: counts
                type: collection
                items: "{{ .workflow.input.notes }}"
                task:
                  id: "count-{{ .index }}"
                  tool: word_count
                  with: {text: "{{ .item }}"}
                on_success: {next: shout}
              - id: shout
                type: parallel
                tasks:
                  - {id: up-a, tool: upper, with: {text: "{{ index .workflow.input.notes 0 }}"}}
                  - {id: up-b, tool: upper, with: {text: "{{ index .workflow.input.notes 1 }}"}}
                on_success: {next: pick}
              - id: pick
                type: router
                condition: "tasks.counts.output.outputs['count-0'].words > 2"
                routes:
                  "true": long
                  "false": short
              - {id: long, type: aggregate, outputs: {style: long}}
              - {id: short, type: aggregate, outputs: {style: short}}
            outputs:
              first_words: "{{ (index .tasks.counts.output.outputs \\"count-0\\").words }}"
              shouted: "{{ .tasks.shout.output.outputs.up-b.text }}"
              route: "{{ .tasks.pick.output.route_taken }}"
            """,
        "slow.yaml": """
            id: slow
            config: {timeout: 100ms}
            tasks:
              - {id: nap, tool: sleep, with: {ms: 30000}}
            """,
    ]

    @Test func collectionParallelAndRouterOverTextKit() async throws {
        let project = try TestProject(workflows: Self.workflows, project: Self.project)
        let adapter = try LibraryAdapter(id: "textkit", library: try AdapterLibrary.load(Self.textKitPath))
        let engine = WorkflowEngine(project: try project.load(), adapters: ["textkit": adapter],
                                    store: try SQLiteExecutionStore(path: project.storePath))
        let result = try await engine.run(workflowID: "wf", input: ["notes": ["one two three four", "quiet words"]])
        #expect(result.status == .success)
        #expect(result.output == ["first_words": 4, "shouted": "QUIET WORDS", "route": "long"])
        #expect(adapter.callCounts.started == 4)
        #expect(adapter.callCounts.retired == 4)
        await adapter.shutdown()
    }

    @Test func workflowTimeoutCancelsTheRunningPluginCall() async throws {
        let project = try TestProject(workflows: Self.workflows, project: Self.project)
        let adapter = try LibraryAdapter(id: "textkit", library: try AdapterLibrary.load(Self.textKitPath))
        let engine = WorkflowEngine(project: try project.load(), adapters: ["textkit": adapter],
                                    store: try SQLiteExecutionStore(path: project.storePath))
        let result = try await engine.run(workflowID: "slow")
        #expect(result.status == .timedOut)
        // The canceled call ended and was released before the run returned: nothing abandoned.
        #expect(adapter.callCounts == AdapterCallCounts(started: 1, retired: 1, abandoned: 0))
        let tasks = try await engine.store.tasks(workflowExecID: result.execID)
        #expect(tasks.map(\.status) == [.canceled])
        await adapter.shutdown()
    }
}
