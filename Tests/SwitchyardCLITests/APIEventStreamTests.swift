import Foundation
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// `GET /api/v0/executions/workflows/{exec_id}/events` on a real `switchyard serve`, read by a
/// real HTTP client while the execution runs (a `wait` task holds it until the test signals).
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(3)))
struct APIEventStreamTests {
    static let workflows = [
        "waiter.yaml": """
            id: waiter
            tasks:
              - id: hold
                type: wait
                wait_for: go
                timeout: 60s
                on_success: {next: after}
              - id: after
                type: aggregate
                outputs: {who: "{{ .tasks.hold.output.signal.payload.who }}"}
            outputs:
              who: "{{ .tasks.after.output.who }}"
            """,
        "flaky.yaml": """
            id: flaky
            tasks:
              - id: shaky
                type: aggregate
                config:
                  retry_policy: {maximum_attempts: 3, initial_interval: 1ms}
                outputs: {success: false}
            """,
        "quick.yaml": """
            id: quick
            tasks:
              - id: hi
                type: aggregate
                outputs: {greeting: "hello"}
            """,
    ]

    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-events")
        let sources = workflows.keys.sorted().map { "  - source: \($0)" }.joined(separator: "\n")
        try "name: events\nworkflows:\n\(sources)\n".write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        for (file, text) in workflows { try text.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8) }
        return directory
    }

    /// A server whose idle streams send a heartbeat every 200 ms (so a client that left is seen soon).
    static func server(_ project: String) throws -> APIServerHarness {
        try APIServerHarness(projectDirectory: project, environment: ["SWITCHYARD_EVENT_HEARTBEAT": "200ms"])
    }

    static func start(_ server: APIServerHarness, _ workflow: String) async throws -> String {
        let started = try await server.request(.POST, "/api/v0/workflows/\(workflow)/executions", body: [:])
        return try #require(started.envelope["data"]?["exec_id"]?.stringValue, "\(started.envelope)")
    }

    static func signal(_ server: APIServerHarness, _ execID: String) async throws {
        let sent = try await server.request(.POST, "/api/v0/executions/workflows/\(execID)/signals",
                                            body: ["signal_name": "go", "payload": ["who": "ada"]])
        #expect(sent.status == 202, "\(sent.envelope)")
    }

    @Test func aStreamShowsTasksLiveThenTheFinalStatusAndEnds() async throws {
        let server = try Self.server(try Self.project())
        let execID = try await Self.start(server, "waiter")
        var live = try await EventStreamClient(port: server.port, execID: execID)
        #expect(live.status == 200 && live.contentType == "text/event-stream")
        // Live: the wait task has started and the execution has not ended.
        let before = try await live.events { $0.type == "task_started" && $0.data["path"] == "hold" }
        #expect(before.last?.data["exec_id"] == .string(execID))
        #expect(!before.contains { $0.type == "execution_finished" })
        try await Self.signal(server, execID)
        let rest = try await live.all()
        let events = before + rest
        #expect(events.map(\.id) == Array(1...events.count), "ids number the events from 1: \(events.map(\.id))")
        #expect(events.map(\.type) == ["task_started", "task_finished", "task_started", "task_finished", "execution_finished"],
                "\(events.map(\.type))")
        let holdEnd = try #require(events.first { $0.type == "task_finished" })
        #expect(holdEnd.data["path"] == "hold" && holdEnd.data["status"] == "SUCCESS" && holdEnd.data["error"] == .null)
        #expect((holdEnd.data["duration_ms"]?.intValue ?? -1) >= 0)
        let final = try #require(events.last)
        #expect(final.data["status"] == "SUCCESS" && final.data["output"] == ["who": "ada"])
        #expect(try await live.next() == nil, "the stream ends after the final status")

        // A client after the end gets the whole of it; Last-Event-ID resumes after that event.
        var late = try await EventStreamClient(port: server.port, execID: execID)
        #expect(try await late.all() == events)
        var resumed = try await EventStreamClient(port: server.port, execID: execID, lastEventID: "2")
        #expect(try await resumed.all() == Array(events.dropFirst(2)))
        var past = try await EventStreamClient(port: server.port, execID: execID, lastEventID: "\(events.count)")
        #expect(try await past.all().isEmpty)
        #expect(server.stop() == 0)
    }

    @Test func aClientThatLeavesHoldsNoDescriptor() async throws {
        let server = try Self.server(try Self.project())
        let execID = try await Self.start(server, "waiter")
        _ = try await server.waitForExecution(execID) { $0["status"] == "WAITING" }
        let baseline = server.openDescriptors
        for _ in 0..<8 {
            let socket = try #require(APILoopbackSocket(port: server.port))
            socket.send("GET /api/v0/executions/workflows/\(execID)/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
            // Wait for the replay of the started wait task, then leave mid-stream.
            var seen = ""
            for _ in 0..<100 where !seen.contains("event: task_started") {
                seen += socket.readUntilClosed(within: .milliseconds(100)).text
            }
            #expect(seen.contains("text/event-stream") && seen.contains("event: task_started"), "\(seen)")
        }
        // The sockets are closed (deinit); the server notices at its next heartbeat at the latest.
        var now = server.openDescriptors
        for _ in 0..<200 where now > baseline {
            try await Task.sleep(for: .milliseconds(50))
            now = server.openDescriptors
        }
        #expect(now <= baseline, "descriptors: \(baseline) before, \(now) after the clients left")
        // The execution and its stream still work for the next client.
        try await Self.signal(server, execID)
        var after = try await EventStreamClient(port: server.port, execID: execID)
        #expect(try await after.all().last?.data["status"] == "SUCCESS")
        #expect(server.stop() == 0)
    }

    @Test func anExecutionOfAnotherProcessStreamsFromTheStore() async throws {
        let project = try Self.project()
        // Run by `switchyard run` before the server exists: the server knows it only from the store.
        let run = try EngineCommandTests.run(["run", "flaky", "--project", project, "--json"])
        #expect(run.status == 1, "\(run.stderr)")
        let execID = try #require(try JSONValue(parsing: run.stdout)["exec_id"]?.stringValue)
        let server = try Self.server(project)
        var stream = try await EventStreamClient(port: server.port, execID: execID)
        let events = try await stream.all()
        #expect(events.map(\.type) == ["task_started", "task_finished", "execution_finished"], "\(events)")
        #expect(events.map(\.id) == [1, 2, 3])
        #expect(events[1].data["attempts"] == 3 && events[1].data["status"] == "FAILED")
        #expect(events[2].data["status"] == "FAILED" && events[2].data["error"]?["message"]?.stringValue != nil)
        var resumed = try await EventStreamClient(port: server.port, execID: execID, lastEventID: "1")
        #expect(try await resumed.all().map(\.type) == ["task_finished", "execution_finished"])

        // Refusals are envelopes.
        let unknown = try await server.request(.GET, "/api/v0/executions/workflows/nope/events")
        #expect(unknown.status == 404 && unknown.envelope["error"]?["kind"] == "unknown_execution")
        var badID = try await EventStreamClient(port: server.port, execID: execID, lastEventID: "later")
        #expect(badID.status == 400)
        _ = try await badID.all()
        #expect(server.stop() == 0)
    }

    @Test func watchPrintsTheEventsAndExitsByTheFinalStatus() async throws {
        let project = try Self.project()
        let server = try Self.server(project)
        let address = "http://127.0.0.1:\(server.port)"
        let execID = try await Self.start(server, "waiter")
        let (watch, out, _) = try EngineCommandTests.launch(["executions", "watch", execID, "--server", address + "/api/v0"])
        let printed = CollectedOutput()
        DispatchQueue.global().async {
            while case let chunk = out.fileHandleForReading.availableData, !chunk.isEmpty { printed.append(chunk) }
        }
        for _ in 0..<600 where !printed.text.contains("task_started  hold") { try await Task.sleep(for: .milliseconds(50)) }
        #expect(printed.text.contains("task_started  hold"), "\(printed.text)")
        #expect(!printed.text.contains("execution_finished"))
        try await Self.signal(server, execID)
        watch.waitUntilExit()
        #expect(watch.terminationStatus == 0)
        let lines = printed.text.split(separator: "\n").map(String.init)
        #expect(lines.last == "execution_finished  \(execID)  SUCCESS", "\(lines)")
        #expect(lines.contains { $0.hasPrefix("task_finished  hold  SUCCESS  ") && $0.hasSuffix("ms") }, "\(lines)")

        // A failed execution: exit 1, like `run`; one the server does not know: exit 2.
        let failed = try await Self.start(server, "flaky")
        let failedWatch = try EngineCommandTests.run(["executions", "watch", failed, "--server", address, "--json"])
        #expect(failedWatch.status == 1, "\(failedWatch.stderr)")
        let last = try JSONValue(parsing: String(failedWatch.stdout.split(separator: "\n").last ?? ""))
        #expect(last["type"] == "execution_finished" && last["status"] == "FAILED")
        let unknown = try EngineCommandTests.run(["executions", "watch", "nope", "--server", address])
        #expect(unknown.status == 2 && unknown.stderr.contains("nope"), "\(unknown.stderr)")
        #expect(server.stop() == 0)
        let unreachable = try EngineCommandTests.run(["executions", "watch", execID, "--server", address])
        #expect(unreachable.status == 2 && unreachable.stderr.contains("cannot reach"), "\(unreachable.stderr)")
    }
}
