import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON

/// Issue 9 item 6: `triggers: [{type: signal, name}]` — a signal (from the API or a signal task)
/// starts the workflow whose trigger names it, with the payload as input, as compozy's dispatcher
/// does; item 7: malformed triggers and a signal name two workflows claim are validation errors.
@Suite(.timeLimit(.minutes(1)))
struct SignalTriggerTests {
    static let workflows = [
        "listener.yaml": """
            id: listener
            triggers:
              - type: signal
                name: order.created
                schema:
                  type: object
                  properties: {id: {type: integer}}
                  required: [id]
            tasks:
              - {id: note, tool: echo, with: {order: "{{ .workflow.input.id }}"}}
            """,
        "sender.yaml": """
            id: sender
            tasks:
              - id: send
                type: signal
                signal: {id: order.created, payload: {id: "{{ .workflow.input.id }}"}}
            """,
    ]

    func finished(_ engine: WorkflowEngine, workflowID: String, count: Int) async throws -> [WorkflowExecutionRecord] {
        for _ in 0..<2000 {
            let records = try await engine.store.listWorkflows(limit: nil).filter { $0.workflowID == workflowID }
            if records.count >= count, records.allSatisfy({ $0.status.isCompleted }) { return records }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("no \(count) finished executions of \(workflowID)")
        return []
    }

    @Test func aSignalStartsTheWorkflowWhoseTriggerNamesItWithThePayloadAsInput() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let engine = try project.engine()
        let received = await engine.signal(Signal(name: "order.created", payload: ["id": 7]))
        #expect(received == 1)
        let runs = try await finished(engine, workflowID: "listener", count: 1)
        #expect(runs.first?.input == ["id": 7])
        #expect(runs.first?.output?["note"]?["output"] == ["order": 7])
        // A signal task sends it the same way; its output has compozy's keys.
        let sent = try await engine.run(workflowID: "sender", input: ["id": 8])
        #expect(sent.output["send"]?["output"]?["signal_dispatched"] == true)
        #expect(sent.output["send"]?["output"]?["signal_id"] == "order.created")
        let both = try await finished(engine, workflowID: "listener", count: 2)
        #expect(Set(both.map(\.input)) == [["id": 7], ["id": 8]])
    }

    @Test func aPayloadFailingTheTriggerSchemaOrASignalToOneExecutionStartsNothing() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let engine = try project.engine()
        #expect(await engine.signal(Signal(name: "order.created", payload: ["id": "seven"])) == 0)
        #expect(await engine.signal(Signal(name: "order.created", payload: ["id": 1]), to: "no-such-execution") == 0)
        #expect(await engine.signal(Signal(name: "other", payload: ["id": 1])) == 0)
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await engine.store.listWorkflows(limit: nil).isEmpty)
    }

    @Test func malformedTriggersAndADuplicateSignalNameAreValidationErrors() throws {
        var workflows = Self.workflows
        workflows["other.yaml"] = """
            id: other
            triggers:
              - {type: signal, name: order.created}
              - {type: cron, name: nightly}
              - {type: signal}
              - just a string
            tasks:
              - {id: a, tool: echo}
            """
        let project = try TestProject(workflows: workflows)
        let lines = ProjectLoader.validate(directory: project.directory).problems.map(\.description)
        let file = project.path("other.yaml")
        func has(_ path: String, _ words: String) -> Bool {
            lines.contains { $0.hasPrefix("\(file): \(path): ") && $0.contains(words) }
        }
        #expect(has("triggers[0].name", "already starts workflow \"listener\""), "\(lines)")
        #expect(has("triggers[1].type", "unsupported trigger type cron"), "\(lines)")
        #expect(has("triggers[2].name", "needs a name"), "\(lines)")
        #expect(has("triggers[3]", "expected a trigger mapping"), "\(lines)")
    }
}
