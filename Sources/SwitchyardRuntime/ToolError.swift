import SwitchyardJSON

/// Why a tool call failed. A struct with an extensible `Kind` plus context, after
/// swift-subprocess's `SubprocessError`.
public struct ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error kinds of the contract; the raw value appears as `error.kind` in JSON and as
    /// `error[KIND]:` on stderr.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The call passed its deadline.
        public static let timeout = Kind(rawValue: "timeout")
        /// The call was canceled.
        public static let canceled = Kind(rawValue: "canceled")
        /// The process or plugin died (non-zero exit, signal).
        public static let crashed = Kind(rawValue: "crashed")
        /// The output passed the size limit.
        public static let outputLimit = Kind(rawValue: "output_limit")
        /// The adapter broke the protocol: malformed frames, non-JSON or non-UTF-8 output.
        public static let `protocol` = Kind(rawValue: "protocol")
        /// The tool itself failed (threw, returned `success: false`).
        public static let toolError = Kind(rawValue: "tool_error")
        /// No such tool (or adapter).
        public static let notFound = Kind(rawValue: "not_found")
        /// The input, config or env was rejected before the call started.
        public static let invalidInput = Kind(rawValue: "invalid_input")
        /// The adapter library does not speak a compatible ABI.
        public static let abi = Kind(rawValue: "abi")
        /// The adapter library could not be loaded.
        public static let load = Kind(rawValue: "load")

        /// Every kind the contract names.
        public static let all: [Kind] = [
            .timeout, .canceled, .crashed, .outputLimit, .protocol, .toolError, .notFound,
            .invalidInput, .abi, .load,
        ]
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
