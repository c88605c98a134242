import Hummingbird
import Metrics
import SwitchyardEngine

/// Records every request's latency by route PATTERN (`/api/v0/executions/workflows/{exec_id}`,
/// never the raw path, so the label set stays bounded), method and status
/// (`switchyard_api_request_duration_seconds`, docs/METRICS.md). A request no route matched
/// is recorded under the route `unrouted`.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let stopwatch = MetricStopwatch()
        do {
            let response = try await next(request, context)
            record(context, request, status: Int(response.status.code), stopwatch)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(context, request, status: Int(status), stopwatch)
            throw error
        }
    }

    private func record(_ context: Context, _ request: Request, status: Int, _ stopwatch: MetricStopwatch) {
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unrouted"
        requestDurations[RequestLabels(route: route, method: request.method.rawValue, status: status)]
            .record(since: stopwatch)
    }
}

/// The request metric's labels (a generic middleware cannot hold a stored static).
struct RequestLabels: Hashable, Sendable {
    var route: String
    var method: String
    var status: Int
}

/// One timer per route, method and status, made once.
let requestDurations = MetricCache<RequestLabels, Metrics.Timer> { key in
    Metrics.Timer(label: "switchyard_api_request_duration_seconds",
                  dimensions: [("route", key.route), ("method", key.method), ("status", String(key.status))],
                  preferredDisplayUnit: .seconds)
}
