import Foundation
import NIOHTTP1
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// Item 7's HTTP side (every refusal an envelope with a `kind`, a failed sync execution reported
/// as failed) and the execution list's filters and pages, on a real `switchyard serve`.
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(2)))
struct APIOutcomeAndListTests {
    @Test func aFailedSyncExecutionCarriesAnErrorInTheEnvelope() async throws {
        let server = try APIEventStreamTests.server(try APIEventStreamTests.project())
        let failed = try await server.request(.POST, "/api/v0/workflows/flaky/executions/sync", body: [:])
        #expect(failed.status == 200, "the request did what it asked: it ran the execution")
        let error = try #require(failed.envelope["error"]?.objectValue, "\(failed.envelope)")
        #expect(error["code"] == "EXECUTION_FAILED" && error["kind"]?.stringValue?.isEmpty == false)
        #expect(error["message"]?.stringValue?.contains("FAILED") == true)
        #expect(failed.envelope["data"]?["workflow"]?["status"] == "FAILED")
        #expect(failed.envelope["data"]?["workflow"]?["error"]?["message"]?.stringValue != nil)
        let task = try await server.request(.POST, "/api/v0/tasks/shaky/executions/sync", body: [:])
        #expect(task.status == 200 && task.envelope["error"]?["code"] == "EXECUTION_FAILED", "\(task.envelope)")
        #expect(task.envelope["data"]?["status"] == "FAILED")
        let fine = try await server.request(.POST, "/api/v0/workflows/quick/executions/sync", body: [:])
        #expect(fine.status == 200 && fine.envelope["error"] == .null)
        #expect(server.stop() == 0)
    }

    @Test func everyRefusalIsAnEnvelopeWithAKind() async throws {
        let server = try APIServerHarness(projectDirectory: try APIEventStreamTests.project(), apiKey: "k")
        let refusals: [(HTTPMethod, String, Int)] = [
            (.GET, "/api/v0/nowhere", 404), (.GET, "/elsewhere", 404), (.DELETE, "/api/v0/workflows/quick/executions", 405),
            (.POST, "/api/v0/executions/workflows/x/events", 405), (.GET, "/api/v0/workflows/quick/executions/sync", 405),
            (.POST, "/api/v0/workflows/quick/executions", 401),
        ]
        for (method, path, status) in refusals {
            let answer = try await server.request(method, path, key: status == 401 ? .some(nil) : .none)
            #expect(answer.status == status, "\(method) \(path): \(answer.envelope)")
            #expect(answer.envelope["status"] == .int(Int64(status)) && answer.envelope["data"] == .null)
            #expect(answer.envelope["error"]?["kind"]?.stringValue?.isEmpty == false, "\(method) \(path): \(answer.envelope)")
        }
        let events = try await server.rawHead(.POST, "/api/v0/executions/workflows/x/events")
        #expect(events.status == 405 && events.allow == "GET", "\(events)")
        #expect(server.stop() == 0)
    }

    @Test func theListFiltersByWorkflowAndStatusAndPages() async throws {
        let server = try APIEventStreamTests.server(try APIEventStreamTests.project())
        var quick: [String] = []
        for _ in 0..<5 {
            let ran = try await server.request(.POST, "/api/v0/workflows/quick/executions/sync", body: [:])
            quick.append(try #require(ran.envelope["data"]?["exec_id"]?.stringValue))
        }
        let failed = try await server.request(.POST, "/api/v0/workflows/flaky/executions/sync", body: [:])
        let failedID = try #require(failed.envelope["data"]?["exec_id"]?.stringValue)
        func ids(_ query: String) async throws -> [String] {
            let answer = try await server.request(.GET, "/api/v0/executions/workflows?\(query)")
            #expect(answer.status == 200, "\(query): \(answer.envelope)")
            return answer.envelope["data"]?.arrayValue?.compactMap { $0["exec_id"]?.stringValue } ?? []
        }
        #expect(try await ids("workflow_id=quick") == quick.reversed())
        #expect(try await ids("status=FAILED") == [failedID])
        #expect(try await ids("workflow_id=quick&status=FAILED").isEmpty)
        // Pages of two, each after the last id of the one before: every execution once, in order.
        var pages: [[String]] = [], after = ""
        repeat {
            pages.append(try await ids("workflow_id=quick&limit=2" + after))
            after = "&after=" + (pages.last?.last ?? "")
        } while pages.last?.count == 2
        #expect(pages.map(\.count) == [2, 2, 1] && pages.flatMap { $0 } == quick.reversed())
        #expect(try await ids("after=unknown").isEmpty)
        let bad = try await server.request(.GET, "/api/v0/executions/workflows?status=DONE")
        #expect(bad.status == 400 && bad.envelope["error"]?["message"]?.stringValue?.contains("`status`") == true)
        #expect(server.stop() == 0)
    }
}

extension APIServerHarness {
    /// A request's status and `Allow` header, on a raw connection.
    func rawHead(_ method: HTTPMethod, _ path: String) async throws -> (status: Int, allow: String?) {
        guard let socket = APILoopbackSocket(port: port) else { throw HarnessError("cannot connect") }
        var head = "\(method.rawValue) \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
        if let apiKey { head += "Authorization: Bearer \(apiKey)\r\n" }
        socket.send(head + "Connection: close\r\n\r\n")
        let text = socket.readUntilClosed(within: .seconds(10)).text
        let lines = text.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let allow = lines.first { $0.lowercased().hasPrefix("allow:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) }
        return (status, allow)
    }
}
