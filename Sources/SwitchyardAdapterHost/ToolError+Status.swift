import SwitchyardABI
import SwitchyardRuntime

extension ToolError.Kind {
    /// The kind a hook's failure status maps to: NOT_FOUND → `not_found`, INVALID_ARGUMENT →
    /// `invalid_input`, VERSION → `abi`, anything else → `tool_error`.
    static func forStatus(_ status: sy_status) -> ToolError.Kind {
        switch status {
        case SY_E_NOT_FOUND: .notFound
        case SY_E_INVALID_ARGUMENT: .invalidInput
        case SY_E_VERSION: .abi
        default: .toolError
        }
    }

    /// The status's ABI name, for messages.
    static func statusName(_ status: sy_status) -> String {
        switch status {
        case SY_OK: "SY_OK"
        case SY_E_INVALID_ARGUMENT: "SY_E_INVALID_ARGUMENT"
        case SY_E_NOT_FOUND: "SY_E_NOT_FOUND"
        case SY_E_VERSION: "SY_E_VERSION"
        case SY_E_INTERNAL: "SY_E_INTERNAL"
        case SY_E_ENDED: "SY_E_ENDED"
        default: "status \(status)"
        }
    }
}
