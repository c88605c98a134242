import Foundation
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// compozy's workflow reads on a real `switchyard serve`: `GET /workflows`, `/workflows/{id}` and
/// `/workflows/{id}/executions` (issue #10 item 6), in compozy's response shapes.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(2)))
struct APIWorkflowDefinitionTests {
    @Test func workflowsAreListedPagedAndReadWithTheirCollections() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project())
        let all = try await server.request(.GET, "/api/v0/workflows")
        #expect(all.status == 200)
        let listed = all.envelope["data"]?["workflows"]?.arrayValue ?? []
        #expect(listed.map { $0["id"] } == ["quick", "waiter"])
        #expect(all.envelope["data"]?["page"] == ["limit": 50, "total": 2])

        let page = try await server.request(.GET, "/api/v0/workflows?limit=1&q=wa")
        #expect(page.envelope["data"]?["workflows"]?.arrayValue?.map { $0["id"] } == ["waiter"])
        #expect(page.envelope["data"]?["page"] == ["limit": 1, "total": 1])

        let quick = try await server.request(.GET, "/api/v0/workflows/quick")
        #expect(quick.status == 200)
        #expect(quick.envelope["data"]?["tasks"] == ["hi"])
        #expect(quick.envelope["data"]?["agents"] == [])
        let expanded = try await server.request(.GET, "/api/v0/workflows/waiter?expand=tasks")
        #expect(expanded.envelope["data"]?["tasks"]?[0]?["wait_for"] == "go")

        let unknown = try await server.request(.GET, "/api/v0/workflows/nope")
        #expect(unknown.status == 404)
        #expect(unknown.envelope["error"]?["message"]?.stringValue?.contains("quick, waiter") == true)
        let badExpand = try await server.request(.GET, "/api/v0/workflows/quick?expand=models")
        #expect(badExpand.status == 400)
        #expect(badExpand.envelope["error"]?["message"]?.stringValue?.contains("models") == true)
        let badLimit = try await server.request(.GET, "/api/v0/workflows?limit=501")
        #expect(badLimit.status == 400)
        #expect(server.stop() == 0)
    }

    @Test func aWorkflowsExecutionsAreOnlyItsOwnNewestFirst() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project())
        var quickIDs: [String] = []
        for name in ["a", "b"] {
            let run = try await server.request(.POST, "/api/v0/workflows/quick/executions/sync", body: ["input": ["name": .string(name)]])
            quickIDs.append(try #require(run.envelope["data"]?["exec_id"]?.stringValue))
        }
        let waiting = try await server.request(.POST, "/api/v0/workflows/waiter/executions", body: [:])
        let waiterID = try #require(waiting.envelope["data"]?["exec_id"]?.stringValue)

        let quick = try await server.request(.GET, "/api/v0/workflows/quick/executions")
        #expect(quick.status == 200)
        let executions = quick.envelope["data"]?["executions"]?.arrayValue ?? []
        #expect(executions.compactMap { $0["exec_id"]?.stringValue } == quickIDs.reversed())
        #expect(executions.allSatisfy { $0["workflow_id"] == "quick" && $0["status"] == "SUCCESS" })
        let waiter = try await server.request(.GET, "/api/v0/workflows/waiter/executions?status=SUCCESS")
        #expect(waiter.envelope["data"]?["executions"] == [])
        let waiterAll = try await server.request(.GET, "/api/v0/workflows/waiter/executions?limit=1")
        #expect(waiterAll.envelope["data"]?["executions"]?[0]?["exec_id"] == .string(waiterID))
        let unknown = try await server.request(.GET, "/api/v0/workflows/nope/executions")
        #expect(unknown.status == 404)
        _ = try await server.request(.POST, "/api/v0/executions/workflows/\(waiterID)/cancel")
        #expect(server.stop() == 0)
    }
}
