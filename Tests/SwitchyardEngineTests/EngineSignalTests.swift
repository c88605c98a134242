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
        // compozy's shape: wait_status, the signal, and the processor's {output, error}.
        #expect(output?["wait_status"] == "completed")
        #expect(output?["processor_output"]?["output"]?["who"] == "alice")
        #expect(output?["processor_output"]?["error"] == .null)
        // The processor's input carries the signal (compozy injects it); echo returns its input.
        #expect(output?["processor_output"]?["output"]?["signal"]?["payload"]?["who"] == "alice")
    }

    /// compozy's `SignalEnvelope`: the wait's `signal` (and `.signal`) carries `metadata`.
    @Test func theSignalCarriesCompozysMetadata() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let engine = try project.engine()
        let handle = try await engine.start(workflowID: "waiter")
        let sent = Signal(name: "approve", payload: ["ok": true, "who": "eve"], id: "sig-1", sentAt: "2026-12-04T10:00:00Z")
        #expect(await engine.signal(sent, to: handle.execID) == 1)
        let result = await handle.result()
        let signal = result.output["hold"]?["output"]?["signal"]
        #expect(signal?["metadata"] == ["signal_id": "sig-1", "received_at_utc": "2026-12-04T10:00:00Z",
                                        "workflow_id": "waiter", "source": "api"])
        #expect(result.output["hold"]?["output"]?["processor_output"]?["output"]?["signal"]?["metadata"]?["signal_id"] == "sig-1")
        let fromTask = try await engine.start(workflowID: "waiter")
        while try await engine.store.workflow(execID: fromTask.execID)?.status != .waiting {
            try await Task.sleep(for: .milliseconds(5))
        }
        _ = try await engine.run(workflowID: "sender", input: ["ok": true, "who": "al"])
        #expect(await fromTask.result().output["hold"]?["output"]?["signal"]?["metadata"]?["source"] == "signal_task")
    }

    /// compozy fails a wait whose condition cannot be evaluated (`WAIT_TASK_ERROR`), with a
    /// processor or without one; a false condition only drops the signal.
    @Test func aConditionThatCannotBeEvaluatedFailsTheWait() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: hold
                type: wait
                wait_for: go
                condition: "signal.payload.count > 2"
                timeout: 20s
            """)
        let engine = try project.engine()
        let handle = try await engine.start(workflowID: "wf")
        #expect(await engine.signal(Signal(name: "go", payload: ["count": 1]), to: handle.execID) == 1)
        #expect(await engine.signal(Signal(name: "go", payload: ["count": "many"]), to: handle.execID) == 1)
        let result = await handle.result()
        #expect(result.status == .failed)
        let message = result.error?["message"]?.stringValue ?? ""
        #expect(message.contains("wait \"hold\": condition:"), "\(message)")
    }

    /// Each signal's processor run is its own record, so a resumed wait never restores an
    /// earlier signal's run in place of processing the next one.
    @Test func eachSignalsProcessorRunIsRecordedOnItsOwn() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let engine = try project.engine()
        let handle = try await engine.start(workflowID: "waiter")
        _ = await engine.signal(Signal(name: "approve", payload: ["ok": false, "who": "mallory"], id: "s1"), to: handle.execID)
        _ = await engine.signal(Signal(name: "approve", payload: ["ok": true, "who": "alice"], id: "s2"), to: handle.execID)
        #expect(await handle.result().status == .success)
        let runs = try await engine.store.tasks(workflowExecID: handle.execID).filter { $0.taskID == "handle" }
        #expect(runs.map(\.path).sorted() == ["hold/processor@s1", "hold/processor@s2"])
        #expect(runs.first { $0.path.hasSuffix("s1") }?.output?["who"] == "mallory")
        #expect(runs.first { $0.path.hasSuffix("s2") }?.output?["who"] == "alice")
    }

    @Test func signalSentToAnExecutionBeforeItWaitsIsKept() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let engine = try project.engine()
        let handle = try await engine.start(workflowID: "waiter")
        let delivered = await engine.signal(Signal(name: "approve", payload: ["ok": true, "who": "bob"]), to: handle.execID)
        #expect(delivered == 1)
        let result = await handle.result()
        #expect(result.output["hold"]?["output"]?["processor_output"]?["output"]?["who"] == "bob")
    }

    @Test func waitTimeoutGoesToOnTimeout() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let result = try await project.engine().run(workflowID: "timeout")
        #expect(result.status == .success)
        #expect(result.output["hold"]?["output"] == ["timed_out": true, "wait_status": "waiting",
                                                     "signal_name": "never", "has_processor": false])
        #expect(result.output["late"]?["output"] == ["late": true])
    }

    static let processed = """
        id: processed
        tasks:
          - id: hold
            type: wait
            wait_for: score
            condition: "processor.output.sum > 10"
            timeout: 20s
            processor:
              id: tally
              tool: add
              with: {a: "{{ .signal.payload.n }}", b: 5}
        """

    @Test func theProcessorRunsForEachSignalBeforeTheConditionWhichSeesItsOutput() async throws {
        let project = try TestProject(workflows: ["processed.yaml": Self.processed])
        let engine = try project.engine()
        let handle = try await engine.start(workflowID: "processed")
        while try await engine.store.workflow(execID: handle.execID)?.status != .waiting {
            try await Task.sleep(for: .milliseconds(5))
        }
        // 2 + 5 fails the condition: the wait goes on, the processor having run once.
        _ = await engine.signal(Signal(name: "score", payload: ["n": 2]), to: handle.execID)
        while project.adapter.callCount("add") < 1 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try await engine.store.workflow(execID: handle.execID)?.status == .waiting)
        _ = await engine.signal(Signal(name: "score", payload: ["n": 9]), to: handle.execID)
        let result = await handle.result()
        #expect(result.status == .success, "\(String(describing: result.error))")
        #expect(project.adapter.callCount("add") == 2)
        let output = result.output["hold"]?["output"]
        #expect(output?["processor_output"]?["output"] == ["sum": 14])
        #expect(output?["signal"]?["payload"] == ["n": 9])
        // The processor's input carries the signal, as compozy injects it.
        let tasks = try await engine.store.tasks(workflowExecID: handle.execID)
        // One record per signal: the last one's run holds the signal that matched.
        let runs = tasks.filter { $0.taskID == "tally" }
        #expect(runs.count == 2)
        #expect(runs.last?.input["signal"]?["payload"] == ["n": 9])
    }

    @Test func aFailingProcessorFailsTheWait() async throws {
        let project = try TestProject(workflows: ["processed.yaml": Self.processed
            .replacingOccurrences(of: "tool: add", with: "tool: fail")])
        let engine = try project.engine()
        let handle = try await engine.start(workflowID: "processed")
        _ = await engine.signal(Signal(name: "score", payload: ["n": 1]), to: handle.execID)
        let result = await handle.result()
        #expect(result.status == .failed)
        #expect(result.error?["message"]?.stringValue?.contains("processor \"tally\" failed") == true)
        #expect(result.output["hold"]?["output"]?["wait_status"] == "waiting")
    }
}
