import Foundation
import Synchronization
import Testing
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime

@Suite(.timeLimit(.minutes(1)))
struct EngineStandaloneTaskTests {
    static let workflow = """
        id: wf
        config:
          env: {W: "1"}
        tasks:
          - id: first
            tool: add
            with: {a: 1, b: 2}
            on_success: {next: second}
          - id: second
            tool: echo
            with: {own: true, workflow: "{{ .workflow.id }}"}
            on_success: {next: third}
            on_error: {next: third}
          - id: third
            tool: append
            with: {line: three}
          - id: broken
            tool: fail
            with: {message: "out of paper"}
            on_error: {next: third}
          - id: pick
            type: router
            condition: "{{ .workflow.input.kind }}"
            routes:
              a: third
        """

    @Test func requestWithReplacesTheTaskWithAndOnlyThatTaskRuns() async throws {
        let project = try TestProject(Self.workflow)
        let engine = try project.engine()
        let handle = try await engine.startTask(taskID: "second", with: ["x": 1, "label": "{{ not a template }}"])
        let result = await handle.result()
        #expect(result.status == .success)
        #expect(result.workflowID == "task:second")
        // The task's own `with` is gone; the request's strings are data, not templates; the
        // declaring workflow's env reaches the tool.
        #expect(result.output == ["x": 1, "label": "{{ not a template }}", "env": ["W": "1"]])
        #expect(project.adapter.callCount("echo") == 1)
        #expect(project.adapter.callCount("add") == 0)
        #expect(project.adapter.callCount("append") == 0)

        let record = try #require(try await engine.store.workflow(execID: handle.execID))
        #expect(record.workflowID == "task:second")
        #expect(record.status == .success)
        #expect(record.input == ["x": 1, "label": "{{ not a template }}"])
        #expect(record.output == result.output)
        let tasks = try await engine.store.tasks(workflowExecID: handle.execID)
        #expect(tasks.map(\.path) == ["second"])
        #expect(tasks.first?.status == .success)
    }

    @Test func emptyWithRendersTheTasksOwnWithInItsWorkflow() async throws {
        let project = try TestProject(Self.workflow)
        let result = try await project.engine().startTask(taskID: "second").result()
        #expect(result.status == .success)
        #expect(result.output == ["own": true, "workflow": "wf", "env": ["W": "1"]])
        #expect(project.adapter.callCount("append") == 0)
    }

    @Test func aFailingTaskFailsTheExecutionWithoutFollowingOnError() async throws {
        let project = try TestProject(Self.workflow)
        let engine = try project.engine()
        let handle = try await engine.startTask(taskID: "broken")
        let result = await handle.result()
        #expect(result.status == .failed)
        #expect(result.error?["message"]?.stringValue?.contains("out of paper") == true)
        #expect(project.adapter.callCount("append") == 0)
        #expect(try await engine.store.workflow(execID: handle.execID)?.status == .failed)
    }

    @Test func aRouterChoosesItsRouteButTheTargetDoesNotRun() async throws {
        let project = try TestProject(Self.workflow)
        let result = try await project.engine().startTask(taskID: "pick", with: ["kind": "a"]).result()
        #expect(result.status == .success)
        #expect(result.output == ["condition": "a", "route_taken": "third"])
        #expect(project.adapter.callCount("append") == 0)
    }

    @Test func theFirstWorkflowInProjectOrderWinsATaskID() async throws {
        let project = try TestProject(workflows: [
            "a.yaml": "id: alpha\ntasks:\n  - {id: shared, tool: echo, with: {from: alpha}}\n",
            "b.yaml": "id: beta\ntasks:\n  - {id: shared, tool: echo, with: {from: beta}}\n  - {id: only_beta, tool: echo}\n",
        ])
        let engine = try project.engine()
        #expect(try await engine.startTask(taskID: "shared").result().output == ["from": "alpha"])
        #expect(try await engine.startTask(taskID: "only_beta", with: ["n": 2]).result().output == ["n": 2])
    }

    @Test func unknownTaskListsTheKnownTasks() async throws {
        let project = try TestProject(Self.workflow)
        do {
            _ = try await project.engine().startTask(taskID: "nope")
            Issue.record("expected a refusal")
        } catch let error as EngineError {
            #expect(error.kind == .unknownTask)
            #expect(error.message == "unknown task \"nope\" (tasks: first, second, third, broken, pick)")
        }
        #expect(try await project.engine().store.listWorkflows(limit: nil).isEmpty)
    }

    @Test func resumeOfAStandaloneTaskRerunsOnlyWhatIsNotCheckpointed() async throws {
        let project = try TestProject(ExecutionStoreTests.crashWorkflow)
        let input: JSONValue = ["log": .string(project.path("log")), "gate": .string(project.path("gate"))]
        let crashing = FreezableStore(try SQLiteExecutionStore(path: project.storePath))
        let first = try project.engine(store: crashing)
        let handle = try await first.startTask(taskID: "each", with: input)
        // Wait until a and b are checkpointed and c is blocked inside its tool call.
        guard try await crashing.waitForCrashPoint(handle, checkpoints: 2, logLine: "item-c", in: project) else { return }
        crashing.freeze()  // the "process" dies: nothing more reaches the store
        handle.cancel()
        _ = await handle.result()
        let stranded = try #require(try await crashing.inner.workflow(execID: handle.execID))
        #expect(stranded.status == .running)
        #expect(stranded.workflowID == "task:each")

        _ = FileManager.default.createFile(atPath: project.path("gate"), contents: nil)
        let events = EventLog()
        let result = try await project.engine().resume(execID: handle.execID) { event in events.add(event) }
        #expect(result.status == .success)
        #expect(result.workflowID == "task:each")
        #expect(result.output["progress_info"]?["success_count"] == 3)
        #expect(Set(events.restored) == ["item-a", "item-b"])
        let lines = project.lines("log")
        #expect(lines.filter { $0 == "item-a" }.count == 1)
        #expect(lines.filter { $0 == "item-b" }.count == 1)
        #expect(lines.filter { $0 == "item-c" }.count == 2)
        #expect(!lines.contains("one"))
        #expect(!lines.contains("three"))
        let recorded = try await project.engine().store.workflow(execID: handle.execID)
        #expect(recorded?.status == .success)
        #expect(recorded?.output?["outputs"] == result.output["outputs"])
        #expect(recorded?.output?["outputs"]?.objectValue?.keys.sorted() == ["item-a", "item-b", "item-c"])
    }
}

/// Answers agent tasks without a model: the engine only sees the `AgentExecutor` protocol.
final class EchoingAgentExecutor: AgentExecutor {
    let requests = Mutex<[AgentTaskRequest]>([])

    func run(_ request: AgentTaskRequest, adapters: [String: any ToolAdapter]) async throws -> JSONValue {
        requests.withLock { $0.append(request) }
        let agentID = request.agent["id"]?.stringValue ?? "?"
        let what = request.action.map { "action \($0)" } ?? "prompt \(request.prompt ?? "")"
        return ["answer": .string("\(agentID) did \(what)"), "input": request.input]
    }
}

@Suite(.timeLimit(.minutes(1)))
struct EngineStandaloneAgentTests {
    static let workflows = [
        "a.yaml": """
            id: alpha
            config:
              env: {W: alpha}
            agents:
              - id: writer
                instructions: write things
                actions:
                  - {id: summarize, prompt: "Summarize {{ .input.text }}"}
                  - {id: title, prompt: "Title it"}
            tasks:
              - {id: draft, agent: writer, action: title}
            """,
        "b.yaml": """
            id: beta
            agents:
              - {id: writer, instructions: other writer}
              - {id: critic, instructions: judge}
            tasks:
              - {id: judge, agent: critic, prompt: judge it}
            """,
    ]

    func engine(_ project: TestProject, agents: EchoingAgentExecutor,
                store: (any ExecutionStore)? = nil) throws -> WorkflowEngine {
        WorkflowEngine(project: try project.load(), adapters: ["runtime": project.adapter],
                       store: try store ?? SQLiteExecutionStore(path: project.storePath), agents: agents)
    }

    @Test func anAgentActionRunsAsOneTaskAndItsAnswerIsTheOutput() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let agents = EchoingAgentExecutor()
        let engine = try engine(project, agents: agents)
        let handle = try await engine.startAgent(agentID: "writer", action: "summarize", prompt: nil,
                                                 with: ["text": "{{ raw }}"])
        let result = await handle.result()
        #expect(result.status == .success)
        #expect(result.workflowID == "agent:writer")
        #expect(result.output == ["answer": "writer did action summarize", "input": ["text": "{{ raw }}"]])
        let request = try #require(agents.requests.withLock { $0.first })
        #expect(agents.requests.withLock { $0.count } == 1)
        // The first declaring workflow's agent, env and context.
        #expect(request.agent["instructions"] == "write things")
        #expect(request.env == ["W": "alpha"])
        #expect(request.prompt == nil)

        let record = try #require(try await engine.store.workflow(execID: handle.execID))
        #expect(record.workflowID == "agent:writer")
        #expect(record.status == .success)
        #expect(record.input == ["action": "summarize", "with": ["text": "{{ raw }}"]])
        #expect(try await engine.store.tasks(workflowExecID: handle.execID).map(\.taskID) == ["writer"])
    }

    @Test func aPromptAloneIsEnough() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let agents = EchoingAgentExecutor()
        let result = try await engine(project, agents: agents)
            .startAgent(agentID: "critic", action: nil, prompt: "rate it").result()
        #expect(result.status == .success)
        #expect(result.output == ["answer": "critic did prompt rate it", "input": [:]])
    }

    @Test func badAgentRequestsAreRefusedNamingWhatIsWrong() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let engine = try engine(project, agents: EchoingAgentExecutor())
        func refusal(_ agentID: String, _ action: String?, _ prompt: String?) async -> EngineError? {
            do {
                _ = try await engine.startAgent(agentID: agentID, action: action, prompt: prompt)
                return nil
            } catch {
                return error as? EngineError
            }
        }
        let unknown = await refusal("ghost", "x", nil)
        #expect(unknown?.kind == .unknownAgent)
        #expect(unknown?.message == "unknown agent \"ghost\" (agents: writer, critic)")
        let neither = await refusal("writer", nil, "")
        #expect(neither?.kind == .invalidInput)
        #expect(neither?.message.contains("agent \"writer\"") == true)
        let undeclared = await refusal("writer", "translate", nil)
        #expect(undeclared?.kind == .invalidInput)
        #expect(undeclared?.message == "agent \"writer\" has no action \"translate\" (actions: summarize, title)")
        #expect(try await engine.store.listWorkflows(limit: nil).isEmpty)
    }

    @Test func resumeRebuildsTheAgentTaskFromTheRecordedInput() async throws {
        let project = try TestProject(workflows: Self.workflows)
        let store = try SQLiteExecutionStore(path: project.storePath)
        // An execution left RUNNING by a process that died before its agent task finished.
        let now = Timestamp.now()
        try await store.insertWorkflow(WorkflowExecutionRecord(
            execID: "stranded", workflowID: "agent:writer", status: .running,
            input: ["action": "title", "with": ["n": 1]], createdAt: now, updatedAt: now))
        let agents = EchoingAgentExecutor()
        let result = try await engine(project, agents: agents, store: store).resume(execID: "stranded")
        #expect(result.status == .success)
        #expect(result.workflowID == "agent:writer")
        #expect(result.output == ["answer": "writer did action title", "input": ["n": 1]])
        #expect(try await store.workflow(execID: "stranded")?.status == .success)
    }
}
