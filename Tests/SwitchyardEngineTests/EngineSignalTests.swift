import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON

@Suite(.timeLimit(.minutes(1)))
struct EngineSignalTests {
    static let workflows = [
        "waiter.yaml": """
            id: waiter
            tasks:
              - id: hold
                type: wait
                wait_for: approve
                condition: "signal.payload.ok == true"
                timeout: 20s
                processor:
                  id: handle
                  tool: echo
                  with: {who: "{{ .signal.payload.who }}"}
            """,
        "sender.yaml": """
            id: sender
            tasks:
              - id: send
                type: signal
                signal:
                  id: approve
                  payload: {ok: "{{ .workflow.input.ok }}", who: "{{ .workflow.input.who }}"}
            """,
        "timeout.yaml": """
            id: timeout
            tasks:
              - id: hold
                type: wait
                wait_for: never
                timeout: 30ms
                on_timeout: late
              - {id: late, tool: echo, with: {late: true}}
            """,
    ]

    @Test func waitTakesOnlyAMatchingSignalFromASignalTask() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let engine = try project.engine()
        let handle = try await engine.start(workflowID: "waiter")
        while try await engine.store.workflow(execID: handle.execID)?.status != .waiting {
            try await Task.sleep(for: .milliseconds(5))
        }
        let rejected = try await engine.run(workflowID: "sender", input: ["ok": false, "who": "mallory"])
        #expect(rejected.status == .success)
        #expect(try await engine.store.workflow(execID: handle.execID)?.status == .waiting)
        let accepted = try await engine.run(workflowID: "sender", input: ["ok": true, "who": "alice"])
        #expect(accepted.output["send"]?["output"]?["delivered"]?.intValue ?? 0 >= 1)
        let result = await handle.result()
        #expect(result.status == .success)
        let output = result.output["hold"]?["output"]
        #expect(output?["signal"]?["payload"]?["who"] == "alice")
        #expect(output?["processor_output"] == ["who": "alice"])
    }

    @Test func signalSentToAnExecutionBeforeItWaitsIsKept() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let engine = try project.engine()
        let handle = try await engine.start(workflowID: "waiter")
        let delivered = await engine.signal(Signal(name: "approve", payload: ["ok": true, "who": "bob"]), to: handle.execID)
        #expect(delivered == 1)
        let result = await handle.result()
        #expect(result.output["hold"]?["output"]?["processor_output"] == ["who": "bob"])
    }

    @Test func waitTimeoutGoesToOnTimeout() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let result = try await project.engine().run(workflowID: "timeout")
        #expect(result.status == .success)
        #expect(result.output["hold"]?["output"] == ["timed_out": true])
        #expect(result.output["late"]?["output"] == ["late": true])
    }
}
