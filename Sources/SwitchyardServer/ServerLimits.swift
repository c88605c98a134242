#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwitchyardEngine

/// How long clients may take and how many of them (and of the executions they start) one server
/// holds at once, so that slow, idle or numerous clients cannot hold it (docs/HTTP-API.md#limits).
public struct ServerLimits: Sendable, Equatable {
    /// From a connection's first byte of a request (or from its accept) to the end of that
    /// request's head; past it the connection is closed.
    public var headerTimeout: Duration
    /// From the end of a request's head to the end of its body; past it the connection is closed.
    public var bodyTimeout: Duration
    /// How long a keep-alive connection may wait between a response and the next request.
    public var idleTimeout: Duration
    /// Connections open at once; the ones beyond get a `503` and are closed at accept.
    public var maxConnections: Int
    /// Executions (workflows, tasks, agents, resumes) this server runs at once; starting one more
    /// answers `503 TOO_MANY_EXECUTIONS` with `Retry-After`.
    public var maxExecutions: Int
    /// Connections the kernel queues before the server accepts them.
    public var backlog: Int
    /// The `Retry-After` seconds of a `503`.
    public var retryAfterSeconds: Int
    /// How often an idle event stream (`GET …/events`) sends a comment line: keeps proxies from
    /// closing it and finds a client that left.
    public var eventHeartbeat: Duration
    /// How often an event stream of an execution this server does not run reads the store again
    /// when no wake-up came from the store's notifier: a safety net, since each task start and end
    /// and the final status wake the stream (a store without a notifier is read every 250 ms).
    public var eventPollInterval: Duration

    /// Creates limits; the defaults are those of `switchyard serve`.
    public init(headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
                idleTimeout: Duration = .seconds(30), maxConnections: Int = ServerLimits.defaultMaxConnections,
                maxExecutions: Int = 64, backlog: Int = 256, retryAfterSeconds: Int = 1,
                eventHeartbeat: Duration = ServerLimits.defaultEventHeartbeat, eventPollInterval: Duration = .seconds(5)) {
        self.eventHeartbeat = eventHeartbeat
        self.eventPollInterval = eventPollInterval
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxExecutions = maxExecutions
        self.backlog = backlog
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// 15 s, or `$SWITCHYARD_EVENT_HEARTBEAT` (a duration such as `500ms`) when it is set and valid.
    public static var defaultEventHeartbeat: Duration {
        guard let text = getenv("SWITCHYARD_EVENT_HEARTBEAT").map({ String(cString: $0) }),
              let parsed = GoDuration.parse(text), parsed > .zero else { return .seconds(15) }
        return parsed
    }

    /// 1024, or half the process's open-file limit when that is lower: the other half stays for
    /// the store, adapter pipes and tool processes, so a flood of connections never takes the
    /// descriptors those need.
    public static var defaultMaxConnections: Int {
        guard let limit = openFileLimit else { return 1024 }
        return max(1, min(1024, limit / 2))
    }

    /// The soft `RLIMIT_NOFILE`, or nil when it is unlimited or cannot be read.
    public static var openFileLimit: Int? {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        // RLIM_INFINITY is all ones: it does not fit an Int.
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < rlim_t(Int.max) else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}
