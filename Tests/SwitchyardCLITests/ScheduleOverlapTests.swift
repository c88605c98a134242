import Foundation
import SwitchyardJSON
import SwitchyardTestSupport
import Testing

/// compozy's overlap policies in a real `switchyard serve`: every schedule here fires while its
/// previous execution still waits for a signal.
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(3)))
struct ScheduleOverlapTests {
    static func workflow(_ id: String, cron: String, policy: String) -> String {
        """
        id: \(id)
        schedule:
          cron: "\(cron)"
          overlap_policy: \(policy)
        tasks:
          - id: hold
            type: wait
            wait_for: go
            timeout: 120s
        """
    }

    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-overlap")
        let workflows = [
            "skip.yaml": workflow("held-skip", cron: "* * * * * *", policy: "skip"),
            "buffer.yaml": workflow("held-buffer", cron: "* * * * * *", policy: "buffer_one"),
            "cancel.yaml": workflow("held-cancel", cron: "*/2 * * * * *", policy: "cancel_other"),
        ]
        let sources = workflows.keys.sorted().map { "  - source: \($0)" }.joined(separator: "\n")
        try "name: overlap\nworkflows:\n\(sources)\n".write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        for (file, text) in workflows { try text.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8) }
        return directory
    }

    /// Executions of `workflow`, newest first: (id, status).
    static func executions(_ server: APIServerHarness, _ workflow: String) async throws -> [(id: String, status: String)] {
        let list = try await server.request(.GET, "/api/v0/workflows/\(workflow)/executions").envelope["data"]?["executions"]
        return (list?.arrayValue ?? []).compactMap { entry in
            guard let id = entry["exec_id"]?.stringValue, let status = entry["status"]?.stringValue else { return nil }
            return (id, status)
        }
    }

    /// Polls (60 s at most) until `condition` holds for the executions of `workflow`.
    static func poll(_ server: APIServerHarness, _ workflow: String,
                     until condition: ([(id: String, status: String)]) -> Bool) async throws -> [(id: String, status: String)] {
        var found: [(id: String, status: String)] = []
        for _ in 0..<600 {
            found = try await executions(server, workflow)
            if condition(found) { return found }
            try await Task.sleep(for: .milliseconds(100))
        }
        return found
    }

    static func release(_ server: APIServerHarness, _ execID: String) async throws -> Int {
        try await server.request(.POST, "/api/v0/executions/workflows/\(execID)/signals",
                                 body: ["signal_name": "go", "payload": [:]]).status
    }

    @Test func skipBufferOneAndCancelOther() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        // cancel_other: each slot cancels the waiting execution and starts its own.
        let canceling = try await Self.poll(server, "held-cancel") { $0.count >= 3 }
        #expect(canceling.count >= 3)
        let settled = try await Self.poll(server, "held-cancel") { list in
            list.dropFirst().allSatisfy { $0.status == "CANCELED" } && list.count >= 3
        }
        #expect(settled.dropFirst().allSatisfy { $0.status == "CANCELED" }, "\(settled)")

        // skip: slots passed while the first waited, and none started beside it.
        let skipping = try await Self.executions(server, "held-skip")
        #expect(skipping.count == 1 && skipping.first?.status == "WAITING", "\(skipping)")
        // buffer_one: likewise one runs; a buffered slot waits for it.
        let buffering = try await Self.executions(server, "held-buffer")
        #expect(buffering.count == 1, "\(buffering)")

        let firstSkip = try #require(skipping.first?.id), firstBuffer = try #require(buffering.first?.id)
        #expect(try await Self.release(server, firstSkip) == 202)
        #expect(try await Self.release(server, firstBuffer) == 202)
        let skipAfter = try await Self.poll(server, "held-skip") { $0.count == 2 }
        #expect(skipAfter.count == 2 && skipAfter.last?.status == "SUCCESS", "the next slot starts once it ended: \(skipAfter)")
        let bufferAfter = try await Self.poll(server, "held-buffer") { $0.count == 2 }
        #expect(bufferAfter.count == 2 && bufferAfter.last?.status == "SUCCESS", "\(bufferAfter)")
        #expect(server.stderrText.contains("held-buffer: slot") && server.stderrText.contains("buffered"))
        #expect(server.stop() == 0)
    }
}
