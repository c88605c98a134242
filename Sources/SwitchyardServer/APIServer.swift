import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SwitchyardEngine
import SwitchyardJSON

/// The HTTP API of docs/HTTP-API.md (`/api/v0`, every answer in the `{status, message, data, error}`
/// envelope) over one engine.
public struct APIServer: Sendable {
    /// Address to listen on.
    public var host: String
    /// Port to listen on; 0 picks a free one (reported to `onListening`).
    public var port: Int
    /// When set, every route but `/health` needs `Authorization: Bearer <key>`.
    public var apiKey: String?
    /// The engine every route runs on.
    public let engine: WorkflowEngine
    /// Receives the events of every execution the API starts (logging, metrics).
    public var observer: ExecutionObserver?
    /// Read and idle timeouts, the connection cap and the execution cap.
    public var limits: ServerLimits
    /// `GET /metrics` (Prometheus text) when set; request latency is recorded either way.
    public var metrics: MetricsEndpoint?

    /// Creates a server; nothing listens until `run`.
    public init(engine: WorkflowEngine, host: String = "127.0.0.1", port: Int = 5001, apiKey: String? = nil,
                limits: ServerLimits = ServerLimits(), observer: ExecutionObserver? = nil) {
        self.engine = engine
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.limits = limits
        self.observer = observer
    }

    /// Serves until SIGINT or SIGTERM, or until the calling task is canceled, then stops
    /// gracefully: requests in flight finish, no new connection is accepted.
    /// - Parameter onListening: called once with the bound port.
    /// - Throws: when the address cannot be bound.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "switchyard.api")
        logger.logLevel = .warning
        let gate = ConnectionGate(limit: limits.maxConnections)
        let serverLogger = logger
        let routes = routeTable()
        let application = Application(
            router: routes.router,
            server: GuardedHTTP1Channel.builder(limits: limits, gate: gate),
            configuration: .init(address: .hostname(host, port: port), serverName: "switchyard", backlog: limits.backlog),
            onServerRunning: { channel in
                // First in the listening socket's pipeline, before NIO's own accept backoff.
                try? await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(
                        AcceptPauseHandler(pause: .milliseconds(100), logger: serverLogger), position: .first)
                }.get()
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger)
        // A group shuts its services down last first: the scheduler stops (starts nothing more)
        // before the server. It ends at once when the project has no schedule, which is no
        // reason to stop the server.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: application)]
        if let scheduler = routes.scheduler {
            services.append(.init(service: scheduler, successTerminationBehavior: .ignore))
        }
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // Cancellation (an embedding host stopping the server) takes the graceful path too: the
        // group runs in a task of its own, which the caller's cancellation does not reach.
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }

    /// Every route, behind the API-key check when there is a key; what no route answers (an
    /// unknown path, a method the path does not have) is a `404` or a `405` with `Allow`, in the
    /// envelope like every other error.
    func router() -> Router<BasicRequestContext> {
        routeTable().router
    }

    /// The router with its route list (what the OpenAPI document and the tests read).
    func routeTable() -> APIRouteTable {
        let routes = APIRouteTable(router: Router())
        routes.router.add(middleware: UnroutedAnswerMiddleware(routes: routes))
        routes.router.add(middleware: TraceContextMiddleware())
        ServerMetrics.install(on: routes, endpoint: metrics, apiKey: apiKey)
        if let apiKey, !apiKey.isEmpty { routes.router.add(middleware: BearerAuthMiddleware(key: apiKey)) }
        let health = APIOperation(summary: "Health check (no API key needed)", answers: [200], needsKey: false)
        for path in ["/health", "/api/v0/health"] {
            routes.add(.get, path, health) { _, _ in APIResponse.success(.ok, "healthy", ["status": "ok"]) }
        }
        // Every execution started here feeds its event stream (`GET …/events`) first.
        let events = ExecutionEventHub(), observer = events.observer(then: self.observer)
        let executions = ExecutionGate(limit: limits.maxExecutions, retryAfterSeconds: limits.retryAfterSeconds, events: events)
        WorkflowRoutes(engine: engine, observer: observer, executions: executions).register(on: routes)
        ExecutionRoutes(engine: engine, observer: observer, executions: executions).register(on: routes)
        WorkflowDefinitionRoutes(engine: engine).register(on: routes)
        EventRoutes(engine: engine).register(on: routes)
        StandaloneExecutionRoutes(engine: engine).register(on: routes)
        ExecutionWaitRoutes(engine: engine).register(on: routes)
        StandaloneRoutes(engine: engine, observer: observer, executions: executions).register(on: routes)
        ExecutionEventRoutes(engine: engine, hub: events, heartbeat: limits.eventHeartbeat,
                             pollInterval: limits.eventPollInterval).register(on: routes)
        // Executions the schedules start feed the event streams like the API's own.
        let scheduler = WorkflowScheduler(engine: engine, observer: observer)
        routes.scheduler = scheduler
        ScheduleRoutes(scheduler: scheduler).register(on: routes)
        let secured = !(apiKey ?? "").isEmpty
        // Registered last so that the document lists itself too.
        let document = ByteBuffer(bytes: OpenAPIDocument.json(
            routes: routes.routes + [APIRoute(method: .get, path: "/api/v0/openapi.json", operation: Self.documentOperation)],
            secured: secured).jsonBytes)
        routes.add(.get, "/api/v0/openapi.json", Self.documentOperation) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: document))
        }
        return routes
    }

    private static let documentOperation = APIOperation(summary: "This document", answers: [200])
}
