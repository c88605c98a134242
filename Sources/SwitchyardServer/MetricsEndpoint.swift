import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics`: the Prometheus text exposition of a registry (docs/METRICS.md).
///
/// The library records through swift-metrics only; whoever bootstraps `MetricsSystem` with a
/// `PrometheusMetricsFactory` over `registry` (`switchyard serve` does, through
/// `SwitchyardPrometheus.factory(registry:)`) hands the same registry here.
public struct MetricsEndpoint: Sendable {
    /// The registry the route renders.
    public var registry: PrometheusCollectorRegistry
    /// Whether `/metrics` answers without the API key (when the server has one). Off by default:
    /// the numbers name workflows and adapters; Prometheus can send the key
    /// (`authorization: {credentials_file: …}` in its scrape config).
    public var open: Bool
    /// Runs before each rendering: refreshes values read at scrape time (adapter statistics).
    public var beforeScrape: @Sendable () async -> Void

    /// An endpoint over `registry`.
    public init(registry: PrometheusCollectorRegistry, open: Bool = false,
                beforeScrape: @escaping @Sendable () async -> Void = {}) {
        self.registry = registry
        self.open = open
        self.beforeScrape = beforeScrape
    }

    /// The path, at the root (not under `/api/v0`), where Prometheus looks by default.
    static let path = "/metrics"
    /// The text exposition format's content type.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition text after `beforeScrape`.
    func render() async -> Response {
        await beforeScrape()
        let bytes = registry.emitToBuffer()
        return Response(status: .ok, headers: [.contentType: Self.contentType],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The server's own observability on the router: request latency for every route, and
/// `/metrics` when there is an endpoint.
enum ServerMetrics {
    /// Adds the request-latency middleware (it must wrap every route, so this comes before any
    /// route is added) and the `/metrics` route. The route is registered ahead of the API-key
    /// middleware and checks the key itself, so that `open` can leave it without one.
    static func install(on routes: APIRouteTable, endpoint: MetricsEndpoint?, apiKey: String?) {
        routes.router.add(middleware: RequestMetricsMiddleware())
        guard let endpoint else { return }
        let key = (endpoint.open ? nil : apiKey).flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        routes.router.get(RouterPath(MetricsEndpoint.path)) { request, _ in
            if let key, !(BearerAuthMiddleware<BasicRequestContext>.bearerToken(request.headers[.authorization] ?? "")
                .map { BearerAuthMiddleware<BasicRequestContext>.constantTimeEqual($0, key) } ?? false) {
                return APIResponse.failure(APIError(.unauthorized, "UNAUTHORIZED",
                                                    "this server needs `Authorization: Bearer <api key>`"))
            }
            return await endpoint.render()
        }
    }
}
