import SwitchyardABI
import SwitchyardJSON

/// Why a tool call failed. A struct with an extensible `Kind` plus context, after
/// swift-subprocess's `SubprocessError`.
public struct ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error kinds of the contract; the raw value appears as `error.kind` in JSON and as
    /// `error[KIND]:` on stderr. The named kinds are adapter.h's `SY_ERROR_KIND_*` strings, so
    /// the header stays the one spelling adapters and host share.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The call passed its deadline.
        public static let timeout = Kind(rawValue: SY_ERROR_KIND_TIMEOUT)
        /// The call was canceled.
        public static let canceled = Kind(rawValue: SY_ERROR_KIND_CANCELED)
        /// The process or plugin died (non-zero exit, signal).
        public static let crashed = Kind(rawValue: SY_ERROR_KIND_CRASHED)
        /// The output passed the size limit.
        public static let outputLimit = Kind(rawValue: SY_ERROR_KIND_OUTPUT_LIMIT)
        /// The adapter broke the protocol: malformed frames, non-JSON or non-UTF-8 output.
        public static let `protocol` = Kind(rawValue: SY_ERROR_KIND_PROTOCOL)
        /// The tool itself failed (threw, returned `success: false`).
        public static let toolError = Kind(rawValue: SY_ERROR_KIND_TOOL_ERROR)
        /// No such tool (or adapter).
        public static let notFound = Kind(rawValue: SY_ERROR_KIND_NOT_FOUND)
        /// The input, config or env was rejected before the call started.
        public static let invalidInput = Kind(rawValue: SY_ERROR_KIND_INVALID_INPUT)
        /// The adapter library does not speak a compatible ABI.
        public static let abi = Kind(rawValue: SY_ERROR_KIND_ABI)
        /// The adapter library could not be loaded.
        public static let load = Kind(rawValue: SY_ERROR_KIND_LOAD)

        /// The kinds an adapter's ERROR frame may name (adapter.h); the host's own two, `abi`
        /// and `load`, are not among them.
        public static let errorFrameKinds: [Kind] = [
            .timeout, .canceled, .crashed, .outputLimit, .protocol, .toolError, .notFound, .invalidInput,
        ]

        /// Every kind the contract names.
        public static let all: [Kind] = errorFrameKinds + [.abi, .load]
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// A message naming what was wrong and where.
    public var message: String
    /// The tool the call was for, when known.
    public var toolID: String?
    /// Captured stderr (bounded) or other detail, when there is any.
    public var details: String?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, toolID: String? = nil, details: String? = nil) {
        self.kind = kind
        self.message = message
        self.toolID = toolID
        self.details = details
    }

    /// `error[KIND]: message` — the stderr line the CLI prints.
    public var description: String { "error[\(kind.rawValue)]: \(message)" }

    /// `{"kind": ..., "message": ..., "tool_id"?: ..., "details"?: ...}` for JSON outputs.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["kind": .string(kind.rawValue), "message": .string(message)]
        if let toolID { members["tool_id"] = .string(toolID) }
        if let details { members["details"] = .string(details) }
        return .object(members)
    }
}
