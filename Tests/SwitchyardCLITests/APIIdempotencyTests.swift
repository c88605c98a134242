import Foundation
import NIOHTTP1
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// `X-Idempotency-Key` on the workflow start routes (issue #10 item 6): a repeated key does not
/// run twice — one request after another, many at once, and on two `serve` processes sharing
/// one store.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(2)))
struct APIIdempotencyTests {
    static func start(_ server: APIServerHarness, _ workflow: String = "quick", key: String, sync: Bool = false,
                      name: String = "ada") async throws -> (status: Int, envelope: JSONValue, headers: HTTPHeaders) {
        try await server.exchange(.POST, "/api/v0/workflows/\(workflow)/executions" + (sync ? "/sync" : ""),
                                  body: ["input": ["name": .string(name)]], headers: [("X-Idempotency-Key", key)])
    }

    static func executions(_ server: APIServerHarness, of workflow: String) async throws -> [JSONValue] {
        try await server.request(.GET, "/api/v0/workflows/\(workflow)/executions").envelope["data"]?["executions"]?.arrayValue ?? []
    }

    @Test func aRepeatedKeyAnswersWithTheFirstExecution() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project())
        let first = try await Self.start(server, key: "order-1")
        #expect(first.status == 202)
        #expect(first.headers["Idempotent-Replayed"].isEmpty)
        let execID = try #require(first.envelope["data"]?["exec_id"]?.stringValue)
        let again = try await Self.start(server, key: "order-1")
        #expect(again.status == 202)
        #expect(again.envelope["data"]?["exec_id"] == .string(execID))
        #expect(again.headers["Idempotent-Replayed"] == ["true"])
        // The sync route with the same key waits for that execution and answers its outcome.
        let sync = try await Self.start(server, key: "order-1", sync: true)
        #expect(sync.status == 200)
        #expect(sync.envelope["data"]?["exec_id"] == .string(execID))
        #expect(sync.envelope["data"]?["output"] == ["greeting": "hello ada"])
        #expect(sync.headers["Idempotent-Replayed"] == ["true"])
        #expect(try await Self.executions(server, of: "quick").count == 1)

        // Another key, or the same key for another workflow, is another execution.
        let other = try await Self.start(server, key: "order-2", sync: true, name: "bo")
        #expect(other.envelope["data"]?["output"] == ["greeting": "hello bo"])
        #expect(other.envelope["data"]?["exec_id"] != .string(execID))
        let otherWorkflow = try await Self.start(server, "waiter", key: "order-1")
        #expect(otherWorkflow.status == 202 && otherWorkflow.envelope["data"]?["exec_id"] != .string(execID))
        #expect(try await Self.executions(server, of: "quick").count == 2)
        if let waiting = otherWorkflow.envelope["data"]?["exec_id"]?.stringValue {
            _ = try await server.request(.POST, "/api/v0/executions/workflows/\(waiting)/cancel")
        }

        let empty = try await Self.start(server, key: String(repeating: "k", count: 256))
        #expect(empty.status == 400)
        #expect(empty.envelope["error"]?["message"]?.stringValue?.contains("X-Idempotency-Key") == true)
        #expect(server.stop() == 0)
    }

    /// Issue 10's bad input: a repeated key with another body is refused, naming the execution the
    /// key started, which stays as it was.
    @Test func aRepeatedKeyWithAnotherInputIsRefused() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project())
        let first = try await Self.start(server, key: "invoice-9", sync: true, name: "ada")
        let execID = try #require(first.envelope["data"]?["exec_id"]?.stringValue)
        for sync in [false, true] {
            let other = try await Self.start(server, key: "invoice-9", sync: sync, name: "eve")
            #expect(other.status == 409, "\(other.envelope)")
            #expect(other.envelope["error"]?["code"] == "IDEMPOTENCY_KEY_REUSED")
            #expect(other.envelope["error"]?["message"]?.stringValue?.contains(execID) == true)
        }
        let same = try await Self.start(server, key: "invoice-9", sync: true, name: "ada")
        #expect(same.status == 200 && same.envelope["data"]?["output"] == ["greeting": "hello ada"])
        #expect(try await Self.executions(server, of: "quick").count == 1)
        #expect(server.stop() == 0)
    }

    @Test func manyRequestsWithOneKeyAtOnceStartOneExecution() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project())
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<12 {
                group.addTask { try await Self.start(server, key: "burst", sync: index.isMultiple(of: 2)).envelope["data"]?["exec_id"]?.stringValue }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(ids.count == 12 && ids.allSatisfy { $0 != nil })
        #expect(Set(ids).count == 1, "\(ids)")
        #expect(try await Self.executions(server, of: "quick").count == 1)
        #expect(server.stop() == 0)
    }

    @Test func twoProcessesOnOneStoreHonourTheSameKey() async throws {
        let directory = try APIServerTests.project()
        let first = try APIServerHarness(projectDirectory: directory)
        let second = try APIServerHarness(projectDirectory: directory)
        let a = try await Self.start(first, key: "shared", sync: true)
        let b = try await Self.start(second, key: "shared", sync: true)
        #expect(a.status == 200 && b.status == 200)
        #expect(a.envelope["data"]?["exec_id"] == b.envelope["data"]?["exec_id"])
        #expect(b.headers["Idempotent-Replayed"] == ["true"])
        #expect(try await Self.executions(second, of: "quick").count == 1)
        #expect(first.stop() == 0)
        #expect(second.stop() == 0)
    }
}
