import SwitchyardJSON
import SwitchyardRuntime

/// What one isolated adapter's helper process may use (`limits:` of its `adapters:` entry);
/// `nil` leaves the system's default.
public struct HelperLimits: Sendable, Hashable {
    /// The helper's address-space limit (`RLIMIT_AS`), in MiB.
    public var memoryMB: Int?
    /// CPU seconds over the helper's life (`RLIMIT_CPU`): past it the helper gets SIGXCPU, and
    /// the host starts a fresh one for the next call.
    public var cpuSeconds: Int?
    /// Open descriptors (`RLIMIT_NOFILE`).
    public var openFiles: Int?
    /// Calls in flight at once; a call beyond it is refused at once, naming the limit.
    public var maxInFlight: Int?

    /// Creates limits; every one defaults to the system's.
    public init(memoryMB: Int? = nil, cpuSeconds: Int? = nil, openFiles: Int? = nil, maxInFlight: Int? = nil) {
        self.memoryMB = memoryMB
        self.cpuSeconds = cpuSeconds
        self.openFiles = openFiles
        self.maxInFlight = maxInFlight
    }
}

/// The helper's `configure` frame: which library to load, how, and under which limits.
public struct HelperConfiguration: Sendable, Hashable {
    /// The verified library path the helper loads.
    public var libraryPath: String
    /// The adapter's id, named in errors.
    public var adapterID: String
    /// The instance's `config` (handed to `create`).
    public var config: JSONValue
    /// The directories the helper's load policy allows (`nil`: any, as `plugin check` does).
    public var allowedDirectories: [String]?
    /// The library's pinned SHA-256 (hex), or `nil`.
    public var expectedSHA256: String?
    /// The output limit the helper's host enforces per call.
    public var maxOutputBytes: Int
    /// How long the helper waits for a canceled call's terminal frame.
    public var cancelGrace: Duration
    /// The resource limits the helper applies before it loads the library.
    public var limits: HelperLimits

    /// Creates a configuration.
    public init(libraryPath: String, adapterID: String, config: JSONValue, allowedDirectories: [String]?,
                expectedSHA256: String? = nil, maxOutputBytes: Int, cancelGrace: Duration, limits: HelperLimits) {
        self.libraryPath = libraryPath
        self.adapterID = adapterID
        self.config = config
        self.allowedDirectories = allowedDirectories
        self.expectedSHA256 = expectedSHA256
        self.maxOutputBytes = maxOutputBytes
        self.cancelGrace = cancelGrace
        self.limits = limits
    }

    /// The frame payload.
    public var json: JSONValue {
        var limitMembers: [String: JSONValue] = [:]
        if let memoryMB = limits.memoryMB { limitMembers["memory_mb"] = .int(Int64(memoryMB)) }
        if let cpuSeconds = limits.cpuSeconds { limitMembers["cpu_seconds"] = .int(Int64(cpuSeconds)) }
        if let openFiles = limits.openFiles { limitMembers["open_files"] = .int(Int64(openFiles)) }
        var members: [String: JSONValue] = [
            "library": .string(libraryPath), "adapter_id": .string(adapterID), "config": config,
            "max_output_bytes": .int(Int64(maxOutputBytes)), "cancel_grace_ms": .int(cancelGrace.wholeMilliseconds),
            "limits": .object(limitMembers),
        ]
        if let allowedDirectories { members["allowed_directories"] = .array(allowedDirectories.map { .string($0) }) }
        if let expectedSHA256 { members["sha256"] = .string(expectedSHA256) }
        return .object(members)
    }

    /// Reads a `configure` payload.
    /// - Throws: `ToolError` `.protocol` naming the missing or mistyped field.
    public init(json: JSONValue) throws(ToolError) {
        guard let members = json.objectValue else { throw ToolError(.protocol, "configure: not a JSON object") }
        func required<T>(_ key: String, _ read: (JSONValue) -> T?) throws(ToolError) -> T {
            guard let value = members[key].flatMap(read) else {
                throw ToolError(.protocol, "configure: field \(key) is missing or has the wrong type")
            }
            return value
        }
        libraryPath = try required("library") { $0.stringValue }
        adapterID = try required("adapter_id") { $0.stringValue }
        config = members["config"] ?? .emptyObject
        allowedDirectories = members["allowed_directories"]?.arrayValue?.compactMap(\.stringValue)
        expectedSHA256 = members["sha256"]?.stringValue
        maxOutputBytes = Int(try required("max_output_bytes") { $0.intValue })
        cancelGrace = .milliseconds(try required("cancel_grace_ms") { $0.intValue })
        let limitMembers = members["limits"]?.objectValue ?? [:]
        limits = HelperLimits(memoryMB: limitMembers["memory_mb"]?.intValue.map(Int.init),
                              cpuSeconds: limitMembers["cpu_seconds"]?.intValue.map(Int.init),
                              openFiles: limitMembers["open_files"]?.intValue.map(Int.init))
    }
}

/// The payloads of `call`, `error` and `startFailed` frames.
public enum HelperPayload {
    /// A `call` frame's payload: the request with its budget in whole milliseconds (0 = none).
    public static func call(_ request: ToolCallRequest, timeoutMS: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        appendCall(request, timeoutMS: timeoutMS, to: &bytes)
        return bytes
    }

    /// Appends a `call` payload, written straight from the request (no intermediate object:
    /// this is on every isolated call's path).
    public static func appendCall(_ request: ToolCallRequest, timeoutMS: Int64, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"tool":"#.utf8)
        JSONValue.string(request.toolID).appendJSON(to: &bytes)
        bytes.append(contentsOf: #","input":"#.utf8)
        request.input.appendJSON(to: &bytes)
        bytes.append(contentsOf: #","timeout_ms":"#.utf8)
        bytes.append(contentsOf: String(timeoutMS).utf8)
        if request.config != .emptyObject {
            bytes.append(contentsOf: #","config":"#.utf8)
            request.config.appendJSON(to: &bytes)
        }
        if !request.env.isEmpty {
            bytes.append(contentsOf: #","env":"#.utf8)
            JSONValue.object(request.env.mapValues { .string($0) }).appendJSON(to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Reads a `call` payload.
    /// - Throws: `ToolError` `.protocol` when it is malformed.
    public static func request(from payload: [UInt8]) throws(ToolError) -> ToolCallRequest {
        let value: JSONValue
        do { value = try JSONValue(parsing: payload) } catch {
            throw ToolError(.protocol, "call frame: malformed JSON: \(error)")
        }
        guard let members = value.objectValue, let tool = members["tool"]?.stringValue else {
            throw ToolError(.protocol, "call frame: not an object with a tool")
        }
        var env: [String: String] = [:]
        for (key, value) in members["env"]?.objectValue ?? [:] { env[key] = value.stringValue ?? "" }
        let timeoutMS = members["timeout_ms"]?.intValue ?? 0
        return ToolCallRequest(toolID: tool, input: members["input"] ?? .emptyObject,
                               config: members["config"] ?? .emptyObject, env: env,
                               timeout: timeoutMS > 0 ? .milliseconds(timeoutMS) : nil)
    }

    /// An `error` (or `startFailed`) payload.
    public static func error(_ error: ToolError) -> [UInt8] { error.json.jsonBytes }

    /// Reads an `error` payload back into the `ToolError` the helper sent; a malformed one is a
    /// `.protocol` error naming the adapter.
    public static func toolError(from payload: [UInt8], adapterID: String) -> ToolError {
        guard let value = try? JSONValue(parsing: payload), let members = value.objectValue,
              let kind = members["kind"]?.stringValue, let message = members["message"]?.stringValue
        else {
            return ToolError(.protocol, "adapter \(adapterID): its helper sent a malformed error frame")
        }
        return ToolError(ToolError.Kind(rawValue: kind), message, toolID: members["tool_id"]?.stringValue,
                         details: members["details"]?.stringValue)
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    package var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000
    }
}
