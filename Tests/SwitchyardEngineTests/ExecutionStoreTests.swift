import Foundation
import Synchronization
import Testing
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardTestSupport

@Suite(.timeLimit(.minutes(1)))
struct ExecutionStoreTests {
    static let crashWorkflow = """
        id: wf
        tasks:
          - id: one
            tool: append
            with: {file: "{{ .workflow.input.log }}", line: one}
            on_success: {next: each}
          - id: each
            type: collection
            items: [a, b, c]
            max_workers: 3
            task:
              id: "item-{{ .item }}"
              tool: append
              with:
                file: "{{ .workflow.input.log }}"
                line: "item-{{ .item }}"
                block_unless_exists: "{{ if eq .item \\"c\\" }}{{ .workflow.input.gate }}{{ else }}/{{ end }}"
            on_success: {next: three}
          - id: three
            tool: append
            with: {file: "{{ .workflow.input.log }}", line: three}
        """

    @Test func resumeAfterACrashNeverRerunsACompletedTask() async throws {
        let project = try TestProject(Self.crashWorkflow)
        let input: JSONValue = ["log": .string(project.path("log")), "gate": .string(project.path("gate"))]
        let crashing = FreezableStore(try SQLiteExecutionStore(path: project.storePath))
        let first = try project.engine(store: crashing)
        let handle = try await first.start(workflowID: "wf", input: input)
        // Wait until a and b are checkpointed and c is blocked inside its tool call.
        guard try await crashing.waitForCrashPoint(handle, checkpoints: 3, logLine: "item-c", in: project) else { return }
        crashing.freeze()  // the "process" dies: nothing more reaches the store
        handle.cancel()
        _ = await handle.result()
        #expect(try await crashing.inner.workflow(execID: handle.execID)?.status == .running)

        _ = FileManager.default.createFile(atPath: project.path("gate"), contents: nil)
        var restored: [String] = []
        let events = EventLog()
        let second = try project.engine()
        let result = try await second.resume(execID: handle.execID) { event in events.add(event) }
        restored = events.restored
        #expect(result.status == .success)
        let lines = project.lines("log")
        #expect(lines.filter { $0 == "one" }.count == 1)
        #expect(lines.filter { $0 == "item-a" }.count == 1)
        #expect(lines.filter { $0 == "item-b" }.count == 1)
        #expect(lines.filter { $0 == "item-c" }.count == 2)
        #expect(lines.filter { $0 == "three" }.count == 1)
        #expect(Set(restored) == ["one", "item-a", "item-b"])
        #expect(result.output["each"]?["output"]?["progress_info"]?["success_count"] == 3)
        // Resuming a finished execution returns its recorded result and runs nothing.
        let again = try await second.resume(execID: handle.execID)
        #expect(again.status == .success)
        #expect(project.lines("log").count == lines.count)
    }

    @Test func twoResumesAtOnceRunTheExecutionOnce() async throws {
        let project = try TestProject(Self.crashWorkflow)
        let input: JSONValue = ["log": .string(project.path("log")), "gate": .string(project.path("gate"))]
        let crashing = FreezableStore(try SQLiteExecutionStore(path: project.storePath))
        let handle = try await project.engine(store: crashing).start(workflowID: "wf", input: input)
        guard try await crashing.waitForCrashPoint(handle, checkpoints: 3, logLine: "item-c", in: project) else { return }
        crashing.freeze()
        handle.cancel()
        _ = await handle.result()

        // Two runs of one execution would repeat its tools: one resume starts, the other is refused.
        let engine = try project.engine()
        func attempt() async -> Result<WorkflowEngine.ResumeStart, any Error> {
            do { return .success(try await engine.startResume(execID: handle.execID)) } catch { return .failure(error) }
        }
        async let one = attempt()
        async let two = attempt()
        let outcomes = await [one, two]
        let refused = outcomes.compactMap { outcome -> EngineError.Kind? in
            if case .failure(let error) = outcome { return (error as? EngineError)?.kind }
            return nil
        }
        #expect(refused == [.alreadyRunning], "\(outcomes)")
        _ = FileManager.default.createFile(atPath: project.path("gate"), contents: nil)
        for outcome in outcomes {
            if case .success(.started(let running)) = outcome { #expect(await running.result().status == .success) }
        }
        #expect(project.lines("log").filter { $0 == "item-c" }.count == 2)
        #expect(project.lines("log").filter { $0 == "three" }.count == 1)
    }

    @Test func hundredWorkflowsConcurrentlyOnOneStore() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: sum
                tool: add
                with: {a: "{{ .workflow.input.n }}", b: 1}
                on_success: {next: each}
              - id: each
                type: collection
                items: [1, 2, 3]
                task: {id: "e{{ .item }}", tool: add, with: {a: "{{ .item }}", b: 0}}
            """)
        let engine = try project.engine()
        let results = try await withThrowingTaskGroup(of: WorkflowResult.self) { group in
            for n in 0..<100 { group.addTask { try await engine.run(workflowID: "wf", input: ["n": .int(Int64(n))]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 100)
        #expect(results.allSatisfy { $0.status == .success })
        #expect(Set(results.compactMap { $0.output["sum"]?["output"]?["sum"]?.intValue }) == Set(1...100))
        let listed = try await engine.store.listWorkflows(limit: nil)
        #expect(listed.count == 100)
        #expect(listed.allSatisfy { $0.status == .success })
        #expect(zip(listed, listed.dropFirst()).allSatisfy { $0.createdAt >= $1.createdAt })
        let tasks = try await engine.store.tasks(workflowExecID: results[0].execID)
        #expect(tasks.count == 5)
    }

    @Test func corruptStoreFileIsAClearError() throws {
        let directory = TemporaryDirectory.make("switchyard-corrupt")
        let path = directory + "/state.sqlite"
        try String(repeating: "this is not a database ", count: 300).write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SQLiteExecutionStore(path: path)
            Issue.record("opened a corrupt store")
        } catch let error as StoreError {
            #expect(error.kind == .corrupt)
            #expect(error.description.hasPrefix(path + ": "))
        }
    }

    @Test func storeLockedByAnotherProcessIsAClearError() async throws {
        let directory = TemporaryDirectory.make("switchyard-locked")
       let path = directory + "/state.sqlite"
        _ = try SQLiteExecutionStore(path: path)
        let marker = directory + "/locked"
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        locker.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN EXCLUSIVE')
            open(sys.argv[2], 'w').close()
            time.sleep(60)
            """, path, marker]
        try locker.run()
        defer { kill(locker.processIdentifier, SIGKILL); locker.waitUntilExit() }
        while !FileManager.default.fileExists(atPath: marker) { try await Task.sleep(for: .milliseconds(10)) }
        do {
            let store = try SQLiteExecutionStore(path: path, busyTimeout: .milliseconds(100))
            try await store.insertWorkflow(WorkflowExecutionRecord(
                execID: "x", workflowID: "wf", status: .running, input: [:], createdAt: "t", updatedAt: "t"))
            Issue.record("wrote through another process's exclusive lock")
        } catch let error as StoreError {
            #expect(error.kind == .locked)
            #expect(error.description.contains("locked"))
        }
    }
}

/// Collects restored task ids from engine events (the observer runs on many threads).
final class EventLog: Sendable {
    private let ids = Mutex<[String]>([])
    func add(_ event: ExecutionEvent) {
        if case .taskRestored(_, let taskID, _, _) = event { ids.withLock { $0.append(taskID) } }
    }
    var restored: [String] { ids.withLock { $0 } }
}
