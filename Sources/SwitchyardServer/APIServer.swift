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

    /// Creates a server; nothing listens until `run`.
    public init(engine: WorkflowEngine, host: String = "127.0.0.1", port: Int = 5001, apiKey: String? = nil,
                observer: ExecutionObserver? = nil) {
        self.engine = engine
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.observer = observer
    }

    /// Serves until SIGINT or SIGTERM, or until the calling task is canceled, then stops
    /// gracefully: requests in flight finish, no new connection is accepted.
    /// - Parameter onListening: called once with the bound port.
    /// - Throws: when the address cannot be bound.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "switchyard.api")
        logger.logLevel = .warning
        let application = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "switchyard"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // Cancellation (an embedding host stopping the server) takes the graceful path too: the
        // group runs in a task of its own, which the caller's cancellation does not reach.
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }

    /// Every route, behind the API-key check when there is a key.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        if let apiKey, !apiKey.isEmpty { router.add(middleware: BearerAuthMiddleware(key: apiKey)) }
        for path in ["/health", "/api/v0/health"] {
            router.get(RouterPath(path)) { _, _ in APIResponse.success(.ok, "healthy", ["status": "ok"]) }
        }
        router.get("/api/v0/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json.jsonBytes)))
        }
        WorkflowRoutes(engine: engine, observer: observer).register(on: router)
        ExecutionRoutes(engine: engine, observer: observer).register(on: router)
        StandaloneRoutes(engine: engine, observer: observer).register(on: router)
        return router
    }
}
