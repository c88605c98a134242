import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON

@Suite(.timeLimit(.minutes(1)))
struct EngineFlowTests {
    @Test func basicTaskCallsToolWithRenderedInputAndDefaultsFromSchema() async throws {
        let project = try TestProject("""
            id: wf
            config:
              input:
                type: object
                properties:
                  a: {type: integer, default: 2}
                  b: {type: integer}
                required: [b]
            tasks:
              - id: sum
                tool: add
                with:
                  a: "{{ .workflow.input.a }}"
                  b: "{{ .workflow.input.b }}"
            """)
        let result = try await project.run(input: ["b": 40])
        #expect(result.status == .success)
        #expect(result.output == ["sum": ["output": ["sum": 42]]])
        #expect(result.error == nil)
    }

    @Test func inputFailingTheSchemaIsRefusedBeforeTheRun() async throws {
        let project = try TestProject("""
            id: wf
            config:
              input:
                type: object
                properties:
                  n: {type: integer, minimum: 1}
                  mode: {enum: [fast, slow]}
                required: [n]
            tasks:
              - {id: a, tool: echo}
            """)
        await #expect(throws: EngineError.self) { try await project.run(input: ["n": "x"]) }
        do {
            _ = try await project.run(input: ["mode": "medium"])
            Issue.record("expected a refusal")
        } catch let error as EngineError {
            #expect(error.kind == .invalidInput)
            #expect(error.message.contains("input.n: required property is missing"))
            #expect(error.message.contains("input.mode"))
        }
        #expect(project.adapter.callCount("echo") == 0)
    }

    @Test func flowFollowsTransitionsOnlyAndPassesTransitionWith() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: first
                tool: add
                with: {a: 1, b: 2}
                on_success:
                  next: third
                  with: {from_first: "{{ .output.sum }}"}
              - id: second
                tool: fail
              - id: third
                tool: echo
                with: {own: true}
            """)
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.output["second"] == nil)
        #expect(result.output["third"]?["output"] == ["own": true, "from_first": 3])
        #expect(project.adapter.callCount("fail") == 0)
    }

    @Test func failedTaskWithoutErrorTransitionFailsTheWorkflow() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: boom
                tool: fail
                with: {message: "disk on fire"}
                on_success: {next: never}
              - {id: never, tool: echo}
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        let message = result.json["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("task \"boom\" failed with no error transition defined"))
        #expect(message.contains("disk on fire"))
        #expect(project.adapter.callCount("echo") == 0)
    }

    @Test func errorTransitionRecoversAndErrorIsVisibleToTemplates() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: boom
                tool: fail
                with: {message: "nope"}
                on_error: {next: recover}
              - id: recover
                tool: echo
                with: {status: "{{ .tasks.boom.status }}", why: "{{ .tasks.boom.error.message }}"}
            """)
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.output["recover"]?["output"]?["status"] == "FAILED")
        #expect(result.output["recover"]?["output"]?["why"]?.stringValue?.contains("nope") == true)
    }

    @Test func outputWithErrorFieldOrSuccessFalseFailsTheTask() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: a
                tool: error_field
                with: {message: "bad thing"}
                on_error: {next: b}
              - id: b
                tool: echo
                with: {success: false}
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        #expect(result.error?["message"]?.stringValue?.contains("\"b\"") == true)
        let store = try SQLiteExecutionStore(path: project.storePath)
        let tasks = try await store.tasks(workflowExecID: result.execID)
        #expect(tasks.first { $0.taskID == "a" }?.status == .failed)
        #expect(tasks.first { $0.taskID == "a" }?.error?["message"]?.stringValue?.contains("bad thing") == true)
    }

    @Test func finalEndsTheRunAndOutputsTransformsWithDotOutput() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: a
                tool: add
                with: {a: 20, b: 1}
                final: true
                outputs:
                  doubled: "{{ mul .output.sum 2 }}"
                on_success: {next: b}
              - {id: b, tool: fail}
            outputs:
              answer: "{{ .tasks.a.output.doubled }}"
              name: "wf-{{ .workflow.id }}"
            """)
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.output == ["answer": 42, "name": "wf-wf"])
    }

    @Test func conditionFalseSkipsTheTaskAndSleepDelays() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: maybe
                tool: fail
                condition: "workflow.input.run == true"
                on_success: {next: after}
              - id: after
                tool: echo
                sleep: 10ms
                with: {ok: true}
            """)
        let result = try await project.run(input: ["run": false])
        #expect(result.status == .success)
        #expect(result.output["maybe"]?["output"] == ["skipped": true])
        #expect(project.adapter.callCount("fail") == 0)
    }

    @Test func retriesUntilSuccessWithinBudget() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: retried
                tool: flaky
                with: {key: r1, failures: 2}
                retries: 2
                on_success: {next: policy}
              - id: policy
                tool: flaky
                with: {key: r2, failures: 5}
                config:
                  retry_policy: {maximum_attempts: 3, initial_interval: 1ms, backoff_coefficient: 2}
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        #expect(result.output["retried"]?["output"] == ["attempts": 3])
        #expect(project.adapter.callCount("flaky") == 6)
        #expect(result.error?["message"]?.stringValue?.contains("flaky failure 3") == true)
    }

    @Test func taskTimeoutCancelsTheToolAndEndsTimedOut() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: slow
                tool: sleep
                with: {ms: 30000}
                timeout: 50ms
                on_error: {next: after}
              - id: after
                tool: echo
                with: {status: "{{ .tasks.slow.status }}"}
            """)
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.output["after"]?["output"] == ["status": "TIMED_OUT"])
        #expect(project.adapter.canceled.withLock { $0 } == 1)
    }

    @Test func workflowTimeoutEndsTimedOutAndCancelsTools() async throws {
        let project = try TestProject("""
            id: wf
            config:
              timeout: 300ms
            tasks:
              - {id: quick, tool: add, with: {a: 1, b: 2}, on_success: {next: slow}}
              - {id: slow, tool: sleep, with: {ms: 30000}}
            """)
        let result = try await project.run()
        #expect(result.status == .timedOut)
        #expect(result.output == ["quick": ["output": ["sum": 3]], "slow": ["output": [:]]])
        #expect(result.error?["message"] == "the workflow timed out after 300ms")
        #expect(project.adapter.canceled.withLock { $0 } == 1)
        let record = try await SQLiteExecutionStore(path: project.storePath).workflow(execID: result.execID)
        #expect(record?.status == .timedOut)
    }

    @Test func cancelingAWorkflowCancelsItsToolCall() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - {id: slow, tool: sleep, with: {ms: 30000}}
            """)
        let engine = try project.engine()
        let handle = try await engine.start(workflowID: "wf")
        while project.adapter.callCount("sleep") == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(engine.cancel(execID: handle.execID))
        let result = await handle.result()
        #expect(result.status == .canceled)
        #expect(project.adapter.canceled.withLock { $0 } == 1)
        let tasks = try await engine.store.tasks(workflowExecID: handle.execID)
        #expect(tasks.map(\.status) == [.canceled])
    }

    @Test func routerPicksTheRouteFromTheRenderedCondition() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: pick
                type: router
                condition: "{{ .workflow.input.kind }}"
                routes:
                  big: big_task
                  small:
                    id: small_inline
                    tool: echo
                    with: {size: small}
              - id: big_task
                tool: echo
                with: {size: big}
            """)
        let big = try await project.run(input: ["kind": "big"])
        #expect(big.status == .success)
        #expect(big.output["pick"]?["output"] == ["condition": "big", "route_taken": "big_task"])
        #expect(big.output["big_task"]?["output"] == ["size": "big"])
        let small = try await project.run(input: ["kind": "small"])
        #expect(small.output["pick"]?["output"]?["output"] == ["size": "small"])
        let none = try await project.run(input: ["kind": "huge"])
        #expect(none.status == .failed)
        #expect(none.error?["message"]?.stringValue?.contains("no route for \"huge\" (routes: big, small)") == true)
    }

    @Test func missingTemplateKeyFailsNamingThePath() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: a
                tool: echo
                with: {x: "{{ .workflow.input.nothere }}"}
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        #expect(result.error?["message"]?.stringValue?.contains("nothere") == true)
    }

    @Test func envLayersProjectWorkflowAndTaskAndToolConfigIsPassed() async throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            config:
              env: {LAYER: workflow, W: "1"}
            tools:
              - id: echo
                config: {mode: fast}
            tasks:
              - id: a
                tool: echo
                env: {LAYER: task, T: "{{ .workflow.input.t }}"}
            """], project: "name: p\nenv: {P: project, LAYER: project}\nworkflows:\n  - source: wf.yaml\n")
        let result = try await project.run(input: ["t": "tv"])
        let output = result.output["a"]?["output"]
        #expect(output?["env"] == ["P": "project", "W": "1", "LAYER": "task", "T": "tv"])
        #expect(output?["config"] == ["mode": "fast"])
    }

    @Test func agentTasksFailClearly() async throws {
        let project = try TestProject("""
            id: wf
            agents:
              - id: helper
                instructions: help
            tasks:
              - {id: ask, agent: helper, action: go}
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        #expect(result.error?["message"]?.stringValue?.contains("agents are not supported yet") == true)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct EngineRouterExpressionTests {
    @Test func routerConditionMayBeACELExpression() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: pick
                type: router
                condition: "workflow.input.n > 2"
                routes:
                  "true": big
                  "false": small
              - {id: big, type: aggregate, outputs: {size: big}}
              - {id: small, type: aggregate, outputs: {size: small}}
            """)
        #expect(try await project.run(input: ["n": 5]).output["big"]?["output"] == ["size": "big"])
        #expect(try await project.run(input: ["n": 1]).output["small"]?["output"] == ["size": "small"])
    }
}
