import Foundation
import SwitchyardJSON
import SwitchyardTestSupport
import Testing

/// Workflow schedules in a real `switchyard serve` (issue #10 item 5): compozy's `/schedules`
/// routes, and slots that fire exactly once across a restart and across two processes on one store.
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(3)))
struct ScheduleServeTests {
    static let workflows = [
        "tick.yaml": """
            id: tick
            schedule:
              cron: "* * * * * *"
              input: {from: schedule}
            tasks:
              - id: mark
                type: aggregate
                outputs: {from: "{{ .workflow.input.from }}"}
            """,
        "nightly.yaml": """
            id: nightly
            schedule:
              cron: "0 0 3 * * *"
              timezone: Europe/Berlin
              enabled: false
            tasks:
              - id: mark
                type: aggregate
                outputs: {done: true}
            """,
        "plain.yaml": """
            id: plain
            tasks:
              - id: mark
                type: aggregate
                outputs: {done: true}
            """,
    ]

    /// The project; `tick` renamed to `tickID` (a store shared between tests needs its own id).
    static func project(tickID: String = "tick") throws -> String {
        let directory = TemporaryDirectory.make("switchyard-schedules")
        let sources = workflows.keys.sorted().map { "  - source: \($0)" }.joined(separator: "\n")
        try "name: sched\nworkflows:\n\(sources)\n".write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        for (file, text) in workflows {
            let renamed = text.replacingOccurrences(of: "id: tick\n", with: "id: \(tickID)\n")
            try renamed.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// `slot … started execution …` lines of a server's log: slot → execution.
    static func startedSlots(_ log: String) -> [(slot: String, execID: String)] {
        log.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: #"slot (\S+) started execution (\S+)"#, options: .regularExpression) else { return nil }
            let words = line[range].split(separator: " ")
            return (String(words[1]), String(words[4]))
        }
    }

    static func executions(_ server: APIServerHarness, _ workflow: String) async throws -> [JSONValue] {
        try await server.request(.GET, "/api/v0/workflows/\(workflow)/executions?limit=10000")
            .envelope["data"]?["executions"]?.arrayValue ?? []
    }

    /// Polls until `workflow` has at least `count` executions (60 s at most).
    static func waitForExecutions(_ server: APIServerHarness, atLeast count: Int,
                                  of workflow: String = "tick") async throws -> [JSONValue] {
        var found: [JSONValue] = []
        for _ in 0..<600 {
            found = try await executions(server, workflow)
            if found.count >= count { return found }
            try await Task.sleep(for: .milliseconds(100))
        }
        return found
    }

    @Test func schedulesAreListedReadUpdatedAndRemoved() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        let list = try await server.request(.GET, "/api/v0/schedules")
        #expect(list.status == 200 && list.envelope["data"]?["total"] == 2)
        let listed = list.envelope["data"]?["schedules"]?.arrayValue ?? []
        #expect(Set(listed.compactMap { $0["workflow_id"]?.stringValue }) == ["tick", "nightly"])

        let nightly = try await server.request(.GET, "/api/v0/schedules/nightly")
        #expect(nightly.status == 200)
        let info = nightly.envelope["data"] ?? .null
        #expect(info["schedule_id"] == "schedule-sched-nightly" && info["cron"] == "0 0 3 * * *")
        #expect(info["timezone"] == "Europe/Berlin" && info["enabled"] == false && info["is_override"] == false)
        #expect(info["next_run_time"] == nil && info["yaml_config"] == nil)

        let plain = try await server.request(.GET, "/api/v0/schedules/plain")
        #expect(plain.status == 404 && plain.envelope["error"]?["kind"] == "schedule_not_found")
        let empty = try await server.request(.PATCH, "/api/v0/schedules/nightly", body: [:])
        #expect(empty.status == 400 && empty.envelope["error"]?["message"]?.stringValue?.contains("at least one") == true)
        let badCron = try await server.request(.PATCH, "/api/v0/schedules/nightly", body: ["cron": "0 0 25 * * *"])
        #expect(badCron.status == 400 && badCron.envelope["error"]?["kind"] == "invalid_cron")
        #expect(badCron.envelope["error"]?["message"]?.stringValue?.contains("'0 0 25 * * *'") == true)

        let enabled = try await server.request(.PATCH, "/api/v0/schedules/nightly", body: ["enabled": true, "cron": "0 30 4 * * *"])
        #expect(enabled.status == 200, "\(enabled.envelope)")
        let updated = enabled.envelope["data"] ?? .null
        #expect(updated["enabled"] == true && updated["is_override"] == true && updated["cron"] == "0 30 4 * * *")
        #expect(updated["yaml_config"]?["cron"] == "0 0 3 * * *")
        let next = try #require(updated["next_run_time"]?.stringValue)
        #expect(next.hasSuffix(":30:00Z"), "04:30 in Berlin is 02:30 or 03:30 UTC: \(next)")

        let removed = try await server.request(.DELETE, "/api/v0/schedules/nightly")
        #expect(removed.status == 204)
        #expect(try await server.request(.GET, "/api/v0/schedules/nightly").status == 404)
        #expect(try await server.request(.DELETE, "/api/v0/schedules/nightly").status == 404)
        #expect(try await server.request(.GET, "/api/v0/schedules").envelope["data"]?["total"] == 1)

        // Disabled over the API, tick starts nothing more; enabled again, it goes on.
        _ = try await Self.waitForExecutions(server, atLeast: 1)
        #expect(try await server.request(.PATCH, "/api/v0/schedules/tick", body: ["enabled": false]).status == 200)
        try await Task.sleep(for: .milliseconds(1500))
        let held = try await Self.executions(server, "tick").count
        try await Task.sleep(for: .milliseconds(2500))
        #expect(try await Self.executions(server, "tick").count == held)
        #expect(try await server.request(.PATCH, "/api/v0/schedules/tick", body: ["enabled": true]).status == 200)
        #expect(try await Self.waitForExecutions(server, atLeast: held + 2).count >= held + 2)
        let last = try await server.request(.GET, "/api/v0/schedules/tick").envelope["data"] ?? .null
        #expect(last["last_run_time"]?.stringValue != nil && last["last_run_status"]?.stringValue != nil)
        #expect(server.stop() == 0)
    }

    /// Every second a slot; SIGTERM and a restart on the same store: no slot starts twice, the
    /// schedule keeps firing, and every execution is one a slot started.
    @Test func slotsFireOnceAcrossARestart() async throws {
        let directory = try Self.project()
        let first = try APIServerHarness(projectDirectory: directory)
        let before = try await Self.waitForExecutions(first, atLeast: 3)
        #expect(before.count >= 3)
        #expect(first.stop() == 0)
        let firstSlots = Self.startedSlots(first.stderrText)

        let second = try APIServerHarness(projectDirectory: directory)
        _ = try await Self.waitForExecutions(second, atLeast: before.count + 1)
        let descriptors = second.openDescriptors
        let after = try await Self.waitForExecutions(second, atLeast: before.count + 4)
        #expect(after.count >= before.count + 4, "the schedule goes on after the restart")
        // Scheduled runs leave nothing open in the server.
        #expect(await ProcessResources.settle { second.openDescriptors <= descriptors }, "\(second.openDescriptors) > \(descriptors)")
        #expect(second.stop() == 0)
        let secondSlots = Self.startedSlots(second.stderrText)

        let slots = firstSlots + secondSlots
        #expect(Set(slots.map(\.slot)).count == slots.count, "a slot started twice: \(slots)")
        let executions = try await Self.storedExecutions(directory)
        #expect(Set(executions) == Set(slots.map(\.execID)), "every execution is a slot's, once")
    }

    /// Two `serve` processes on one store (SQLite; Postgres with `$SWITCHYARD_TEST_POSTGRES_URL`):
    /// each slot is started by one of them.
    @Test(arguments: ["sqlite", "postgres"])
    func twoServersOnOneStoreStartEachSlotOnce(_ store: String) async throws {
        var arguments: [String] = []
        if store == "postgres" {
            guard let url = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_POSTGRES_URL"], !url.isEmpty else {
                print("SKIPPED twoServersOnOneStoreStartEachSlotOnce on postgres (no SWITCHYARD_TEST_POSTGRES_URL)")
                return
            }
            arguments = ["--store", url]
        }
        let tickID = "tick-" + UUID().uuidString.prefix(8).lowercased()
        let directory = try Self.project(tickID: tickID)
        let one = try APIServerHarness(projectDirectory: directory, arguments: arguments)
        let two = try APIServerHarness(projectDirectory: directory, arguments: arguments)
        _ = try await Self.waitForExecutions(one, atLeast: 5, of: tickID)
        // Disabled through one process, the schedule stops in both (the override is in the store).
        #expect(try await two.request(.PATCH, "/api/v0/schedules/\(tickID)", body: ["enabled": false]).status == 200)
        try await Task.sleep(for: .milliseconds(2500))
        let stored = Set(try await Self.executions(one, tickID).compactMap { $0["exec_id"]?.stringValue })
        try await Task.sleep(for: .milliseconds(1500))
        #expect(Set(try await Self.executions(two, tickID).compactMap { $0["exec_id"]?.stringValue }) == stored)
        #expect(one.stop() == 0 && two.stop() == 0)
        let slots = Self.startedSlots(one.stderrText) + Self.startedSlots(two.stderrText)
        #expect(slots.count >= 5)
        #expect(Set(slots.map(\.slot)).count == slots.count, "a slot started in both: \(slots)")
        let logged = Set(slots.map(\.execID))
        #expect(stored == logged, "stored, not logged: \(stored.subtracting(logged)); logged, not stored: \(logged.subtracting(stored))")
    }

    /// The executions of `tick` in the project's store, read by `switchyard executions list`.
    static func storedExecutions(_ directory: String, of workflow: String = "tick",
                                 arguments: [String] = []) async throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EngineCommandTests.binary)
        process.arguments = ["executions", "list", "--project", directory, "--json", "--workflow", workflow] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let list = try JSONValue(parsing: Array(data)).arrayValue ?? []
        return list.filter { $0["workflow_id"] == .string(workflow) }.compactMap { $0["exec_id"]?.stringValue }
    }
}

enum ProcessResources {
    /// Waits (up to 5 s) until `condition` holds; whether it did.
    static func settle(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<100 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
