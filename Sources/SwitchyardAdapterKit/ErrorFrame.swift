import SwitchyardABI
import SwitchyardJSON

/// The `kind` of an ERROR frame, spelled by adapter.h's `SY_ERROR_KIND_*` macros.
package struct ErrorFrameKind: RawRepresentable, Sendable, Hashable {
    /// The kind as it appears in the frame's JSON.
    package let rawValue: String
    /// A kind by its wire spelling.
    package init(rawValue: String) { self.rawValue = rawValue }

    /// The call passed its deadline.
    package static let timeout = ErrorFrameKind(rawValue: SY_ERROR_KIND_TIMEOUT)
    /// The call was canceled.
    package static let canceled = ErrorFrameKind(rawValue: SY_ERROR_KIND_CANCELED)
    /// What ran the tool died.
    package static let crashed = ErrorFrameKind(rawValue: SY_ERROR_KIND_CRASHED)
    /// The output passed the size limit.
    package static let outputLimit = ErrorFrameKind(rawValue: SY_ERROR_KIND_OUTPUT_LIMIT)
    /// What ran the tool broke its protocol with the adapter.
    package static let `protocol` = ErrorFrameKind(rawValue: SY_ERROR_KIND_PROTOCOL)
    /// The tool itself failed.
    package static let toolError = ErrorFrameKind(rawValue: SY_ERROR_KIND_TOOL_ERROR)
    /// No such tool.
    package static let notFound = ErrorFrameKind(rawValue: SY_ERROR_KIND_NOT_FOUND)
    /// The input, config or env was rejected.
    package static let invalidInput = ErrorFrameKind(rawValue: SY_ERROR_KIND_INVALID_INPUT)
}

/// An ERROR frame's payload: `{"kind", "message", "details"?}`.
package struct ErrorFrame: Sendable {
    /// What kind of failure.
    package var kind: ErrorFrameKind
    /// What went wrong, naming the tool.
    package var message: String
    /// Captured stderr or other detail; left out of the JSON when empty.
    package var details: String?

    /// An error frame payload.
    package init(_ kind: ErrorFrameKind, _ message: String, details: String? = nil) {
        self.kind = kind
        self.message = message
        self.details = details
    }

    /// The payload as JSON bytes.
    package var jsonBytes: [UInt8] {
        var members: [String: JSONValue] = ["kind": .string(kind.rawValue), "message": .string(message)]
        if let details, !details.isEmpty { members["details"] = .string(details) }
        return JSONValue.object(members).jsonBytes
    }
}
