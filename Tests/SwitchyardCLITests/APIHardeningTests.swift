import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// Slow, idle and numerous clients against a real `switchyard serve` (issue #15 item 6), the API
/// key kept out of argv (item 3) and percent-decoded path parameters (item 9).
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(3)))
struct APIHardeningTests {
    static let quick = ["--header-timeout", "1s", "--body-timeout", "1s", "--idle-timeout", "1s"]

    @Test func halfSentRequestsAreClosedAfterTheHeaderTimeout() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project(), arguments: Self.quick)
        let baseline = server.openDescriptors
        let sockets = (0..<40).compactMap { _ in APILoopbackSocket(port: server.port) }
        #expect(sockets.count == 40)
        for socket in sockets { socket.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ") }
        for socket in sockets {
            let outcome = socket.readUntilClosed(within: .seconds(20))
            #expect(outcome.closed && outcome.text.isEmpty, "a half-sent request got \(outcome)")
        }
        // A slow body is closed too.
        let slowBody = try #require(APILoopbackSocket(port: server.port))
        slowBody.send("POST /api/v0/workflows/quick/executions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        #expect(slowBody.readUntilClosed(within: .seconds(20)).closed)
        #expect(try await server.request(.GET, "/health").status == 200)
        #expect(try await Self.descriptorsSettle(server, at: baseline))
        #expect(server.stop() == 0)
    }

    @Test func idleKeepAliveConnectionsAreClosedAfterTheIdleTimeout() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project(), arguments: Self.quick)
        let socket = try #require(APILoopbackSocket(port: server.port))
        #expect(socket.get("/health").contains("\"healthy\""))
        // Kept alive after the answer, then closed once idle.
        #expect(socket.get("/api/v0/health").hasPrefix("HTTP/1.1 200"))
        let outcome = socket.readUntilClosed(within: .seconds(20))
        #expect(outcome.closed && outcome.text.isEmpty)
        #expect(server.stop() == 0)
    }

    @Test func connectionsBeyondTheCapAreAnswered503AndClosed() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project(),
                                          arguments: ["--max-connections", "4", "--idle-timeout", "60s"])
        let held = (0..<4).compactMap { _ in APILoopbackSocket(port: server.port) }
        for socket in held { #expect(socket.get("/health").hasPrefix("HTTP/1.1 200")) }
        for _ in 0..<10 {
            let extra = try #require(APILoopbackSocket(port: server.port))
            let outcome = extra.readUntilClosed(within: .seconds(20))
            #expect(outcome.closed)
            #expect(outcome.text.hasPrefix("HTTP/1.1 503") && outcome.text.contains("Retry-After: 1")
                    && outcome.text.contains("TOO_MANY_CONNECTIONS"), "\(outcome.text)")
        }
        // The connections inside the cap still answer; once one closes, a new one is admitted.
        #expect(held[0].get("/health").hasPrefix("HTTP/1.1 200"))
        close(held[1].descriptor)
        var admitted = false
        for _ in 0..<100 where !admitted {
            admitted = APILoopbackSocket(port: server.port).map { $0.get("/health").hasPrefix("HTTP/1.1 200") } ?? false
            if !admitted { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(admitted)
        #expect(server.stop() == 0)
    }

    @Test func executionsBeyondTheCapAre503WithRetryAfter() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project(), arguments: ["--max-executions", "1"])
        let waiting = try await server.request(.POST, "/api/v0/workflows/waiter/executions", body: [:])
        #expect(waiting.status == 202)
        let execID = try #require(waiting.envelope["data"]?["exec_id"]?.stringValue)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v0/workflows/quick/executions/sync")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"input": {"name": "x"}}"#))
        let refused = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try JSONValue(parsing: try await refused.body.collect(upTo: 1 << 20).readableBytesView)
        #expect(refused.status.code == 503 && refused.headers.first(name: "Retry-After") == "1")
        #expect(body["error"]?["code"] == "TOO_MANY_EXECUTIONS" && body["error"]?["kind"] == "too_many_executions")
        // Reads still work, and the slot comes back when the execution ends.
        #expect(try await server.request(.GET, "/api/v0/executions/workflows/\(execID)").status == 200)
        #expect(try await server.request(.POST, "/api/v0/executions/workflows/\(execID)/cancel").status == 202)
        _ = try await server.waitForExecution(execID) { $0["status"] == "CANCELED" }
        var answered = 0
        for _ in 0..<100 where answered != 200 {
            answered = try await server.request(.POST, "/api/v0/workflows/quick/executions/sync",
                                                body: ["input": ["name": "y"]]).status
            if answered != 200 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(answered == 200)
        #expect(server.stop() == 0)
    }

    @Test func aFloodAtALowDescriptorLimitLeavesTheServerAnswering() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project(), openFileLimit: 128)
        #expect(try await server.request(.GET, "/health").status == 200)
        let baseline = server.openDescriptors
        // Twice the descriptor limit: accepted ones beyond the cap (64) are refused and closed,
        // the rest wait in the backlog or are refused by the kernel.
        var flood: [APILoopbackSocket] = []
        for _ in 0..<256 {
            if let socket = APILoopbackSocket(port: server.port) { flood.append(socket) }
        }
        #expect(kill(server.process.processIdentifier, 0) == 0, "the server died during the flood")
        flood.removeAll()
        var healthy = false
        for _ in 0..<200 where !healthy {
            healthy = (try? await server.request(.GET, "/health").status) == 200
            if !healthy { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(healthy, "no /health answer after the flood: \(server.stderrText)")
        #expect(try await Self.descriptorsSettle(server, at: baseline))
        #expect(server.process.isRunning)
        #expect(server.stop() == 0)
    }

    @Test func theAPIKeyComesFromAFileOrTheEnvironmentNotArgv() async throws {
        let project = try APIServerTests.project()
        let keyFile = project + "/api.key"
        try "file-secret-1\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        for (arguments, environment, key) in [
            (["--api-key-file", keyFile], [String: String](), "file-secret-1"),
            ([], ["SWITCHYARD_API_KEY": "env-secret-2"], "env-secret-2"),
        ] {
            let server = try APIServerHarness(projectDirectory: project, apiKey: key, keyArguments: arguments,
                                              environment: environment)
            let commandLine = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/cmdline", encoding: .utf8)
            #expect(!commandLine.contains(key))
            #expect(try await server.request(.GET, "/api/v0/executions/workflows", key: .some(nil)).status == 401)
            #expect(try await server.request(.GET, "/api/v0/executions/workflows").status == 200)
            #expect(!server.stderrText.contains("warning"))
            #expect(server.stop() == 0)
        }
        let visible = try APIServerHarness(projectDirectory: project, apiKey: "argv-secret")
        #expect(try await visible.request(.GET, "/api/v0/executions/workflows").status == 200)
        #expect(visible.stderrText.contains("warning: --api-key is visible"), "\(visible.stderrText)")
        #expect(visible.stop() == 0)
    }

    @Test func pathParametersArePercentDecoded() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project())
        // %71 is "q": the workflow `quick`.
        let sync = try await server.request(.POST, "/api/v0/workflows/%71uick/executions/sync", body: ["input": ["name": "ada"]])
        #expect(sync.status == 200 && sync.envelope["data"]?["output"] == ["greeting": "hello ada"], "\(sync.envelope)")
        let execID = try #require(sync.envelope["data"]?["exec_id"]?.stringValue)
        let escaped = execID.replacingOccurrences(of: "-", with: "%2D")
        let state = try await server.request(.GET, "/api/v0/executions/workflows/\(escaped)")
        #expect(state.status == 200 && state.envelope["data"]?["exec_id"] == .string(execID))
        #expect(server.stop() == 0)
    }

    /// Waits (at most 10 s) until the server holds no more descriptors than `baseline`.
    static func descriptorsSettle(_ server: APIServerHarness, at baseline: Int) async throws -> Bool {
        for _ in 0..<200 {
            if server.openDescriptors <= baseline { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        print("descriptors: \(server.openDescriptors), baseline \(baseline)")
        return false
    }
}
