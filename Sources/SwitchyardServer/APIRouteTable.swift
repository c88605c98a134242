import Hummingbird
import SwitchyardJSON

/// One route as registered on the router, with what the OpenAPI document says of it.
struct APIRoute: Sendable {
    let method: HTTPRequest.Method
    /// Hummingbird's form: `/api/v0/workflows/:id/executions`.
    let path: String
    let operation: APIOperation

    /// The OpenAPI form, relative to the `/api/v0` server: `/workflows/{id}/executions`.
    var documentedPath: String {
        String(path.dropFirst(APIRoutes.prefix.count)).split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    /// Whether `requestPath` (already split into segments) is this route's path.
    func matches(_ segments: [Substring]) -> Bool {
        let own = path.split(separator: "/")
        return own.count == segments.count
            && zip(own, segments).allSatisfy { pattern, segment in pattern.hasPrefix(":") ? !segment.isEmpty : pattern == segment }
    }
}

/// What one operation takes and answers, for the OpenAPI document.
struct APIOperation: Sendable {
    var summary: String
    /// Query parameters and their schemas.
    var query: [String: JSONValue] = [:]
    /// Request headers the route reads, and their schemas.
    var headers: [String: JSONValue] = [:]
    /// The JSON object body's properties, or nil for a route that reads no body.
    var body: [String: JSONValue]?
    /// Body properties that must be present.
    var required: [String] = []
    /// More of the body's schema (`anyOf` of required sets).
    var bodyConstraints: [String: JSONValue] = [:]
    /// Every status the route answers with besides the ones every route shares.
    var answers: [Int]
    /// Whether it starts an execution (and so may answer `503 TOO_MANY_EXECUTIONS`).
    var startsExecution = false
    /// False for the health checks, which need no API key.
    var needsKey = true
    /// Its `200` is a `text/event-stream`, not the envelope.
    var eventStream = false
    /// Its `200` reports an execution's end: `error` is set when the execution did not succeed.
    var reportsOutcome = false
}

/// Registers routes on the router and keeps the list, so that the OpenAPI document, the `405`
/// answers (with `Allow`) and the tests all read the routes the router really has.
final class APIRouteTable: @unchecked Sendable {
    // Written only while the router is built, before the server runs; read-only afterwards.
    private(set) var routes: [APIRoute] = []
    let router: Router<BasicRequestContext>
    /// The workflow schedules the `/schedules` routes read and change; run beside the server.
    var scheduler: WorkflowScheduler?

    init(router: Router<BasicRequestContext>) { self.router = router }

    /// Adds a route to the router and to the list.
    func add(_ method: HTTPRequest.Method, _ path: String, _ operation: APIOperation,
             _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
        routes.append(APIRoute(method: method, path: path, operation: operation))
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// The methods routed for a path, or empty when no route has it.
    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.filter { $0.matches(segments) }.map(\.method)
    }
}
