import SwitchyardABI

/// Why a hook refused: the ABI status to return plus the message for `error_out`.
struct AdapterFailure: Error, Sendable, CustomStringConvertible {
    /// The status the hook returns.
    var status: sy_status
    /// What was wrong and where (config field, tool id, env key).
    var message: String

    static func invalid(_ message: String) -> AdapterFailure {
        AdapterFailure(status: SY_E_INVALID_ARGUMENT, message: message)
    }

    static func `internal`(_ message: String) -> AdapterFailure {
        AdapterFailure(status: SY_E_INTERNAL, message: message)
    }

    var description: String { message }
}
