import SwitchyardABI

/// Why a hook refused: the ABI status to return plus the message for `error_out`.
package struct AdapterFailure: Error, Sendable, CustomStringConvertible {
    /// The status the hook returns.
    package var status: sy_status
    /// What was wrong and where (config field, tool id, env key).
    package var message: String

    /// A failure with `status` and `message`.
    package init(status: sy_status, message: String) {
        self.status = status
        self.message = message
    }

    /// `SY_E_INVALID_ARGUMENT`: bad config, input, env or struct.
    package static func invalid(_ message: String) -> AdapterFailure {
        AdapterFailure(status: SY_E_INVALID_ARGUMENT, message: message)
    }

    /// `SY_E_NOT_FOUND`: an unknown tool id.
    package static func notFound(_ message: String) -> AdapterFailure {
        AdapterFailure(status: SY_E_NOT_FOUND, message: message)
    }

    /// `SY_E_INTERNAL`: anything else the adapter could not do.
    package static func `internal`(_ message: String) -> AdapterFailure {
        AdapterFailure(status: SY_E_INTERNAL, message: message)
    }

    /// The message.
    package var description: String { message }
}
