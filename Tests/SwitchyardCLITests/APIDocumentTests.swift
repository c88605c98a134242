import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// The OpenAPI document against the router of a real server (issue #15 item 10): every documented
/// operation is routed and answers only documented statuses, every other method of a documented
/// path is a `405` with `Allow` naming exactly the documented ones, unrouted paths are a `404`,
/// every error is in the envelope with a `kind`, and the security scheme is there only with a key.
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(2)))
struct APIDocumentTests {
    static let methods: [HTTPMethod] = [.GET, .POST, .PUT, .DELETE, .PATCH]

    @Test func everyRouteIsDocumentedAndNothingElse() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project())
        let document = try await server.request(.GET, "/api/v0/openapi.json").envelope
        #expect(document["security"] == nil && document["components"]?["securitySchemes"] == nil)
        let paths = try #require(document["paths"]?.objectValue)
        #expect(paths.count == 23, "\(paths.keys.sorted())")
        for (path, item) in paths {
            let concrete = "/api/v0" + path.replacingOccurrences(of: #"\{[a-z_]+\}"#, with: "nope", options: .regularExpression)
            let declared = Set((item.objectValue ?? [:]).keys.map { $0.uppercased() })
            for method in Self.methods {
                let answer = try await Self.send(method, concrete, port: server.port)
                if declared.contains(method.rawValue) {
                    let documented = Set(item[method.rawValue.lowercased()]?["responses"]?.objectValue?.keys.map { $0 } ?? [])
                    #expect(documented.contains(String(answer.status)), "\(method) \(path) answered \(answer.status)")
                    #expect(answer.body["error"]?["kind"] != "unknown_route", "\(method) \(path) is not routed")
                } else {
                    #expect(answer.status == 405, "\(method) \(path) answered \(answer.status)")
                    #expect(answer.allow == declared.sorted().joined(separator: ", "), "\(path): Allow \(answer.allow ?? "none")")
                    #expect(answer.body["error"]?["kind"] == "method_not_allowed")
                }
                if answer.status >= 400, !(path == "/openapi.json" && answer.status == 200) {
                    #expect(answer.body["error"]?["kind"]?.stringValue?.isEmpty == false, "\(method) \(path): \(answer.body)")
                }
            }
        }
        let unrouted = try await Self.send(.GET, "/api/v0/no/such/route", port: server.port)
        #expect(unrouted.status == 404 && unrouted.body["error"]?["kind"] == "unknown_route")
        #expect(server.stop() == 0)
    }

    @Test func theSecuritySchemeIsDeclaredOnlyWithAKey() async throws {
        let server = try APIServerHarness(projectDirectory: try APIServerTests.project(), apiKey: "k3y")
        let document = try await server.request(.GET, "/api/v0/openapi.json").envelope
        #expect(document["components"]?["securitySchemes"]?["bearer"]?["scheme"] == "bearer")
        #expect(document["paths"]?["/health"]?["get"]?["security"] == [])
        #expect(document["paths"]?["/workflows/{id}/executions"]?["post"]?["responses"]?["401"] != nil)
        #expect(document["paths"]?["/health"]?["get"]?["responses"]?["401"] == nil)
        #expect(server.stop() == 0)
    }

    /// One request without a body; answers the status, `Allow` and the parsed body.
    static func send(_ method: HTTPMethod, _ path: String, port: Int) async throws
        -> (status: Int, allow: String?, body: JSONValue) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Allow"), try JSONValue(parsing: bytes.readableBytesView))
    }
}
