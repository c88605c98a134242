import SwitchyardRuntime

/// Syntactic checks start_call makes before anything runs (issue: "Validation").
enum ToolIDRules {
    /// Why `id` is not an acceptable tool id, or nil.
    static func problem(_ id: String) -> String? {
        if id.isEmpty { return "the tool id is empty" }
        if id.hasPrefix("/") { return "tool id \"\(id)\" must not be absolute" }
        if id.contains("..") { return "tool id \"\(id)\" must not contain \"..\"" }
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "/"),
                 UInt8(ascii: "."), UInt8(ascii: "-"):
                continue
            default:
                return "tool id \"\(id)\" may contain only A-Z a-z 0-9 _ / . -"
            }
        }
        return nil
    }
}

/// Which environment variables a call (or the instance config) may set: the shared rules, and
/// the variables the adapter itself sets for the worker.
enum EnvironmentRules {
    /// Variables the adapter itself sets for the worker.
    static let reserved: Set<String> = [PerCallDispatcher.requestVariable]

    /// Why `key=value` is not acceptable, or nil.
    static func problem(key: String, value: String) -> String? {
        if let problem = ToolEnvironmentRules.problem(key: key, value: value) { return problem }
        if reserved.contains(key) { return "env key \"\(key)\" is reserved for the adapter" }
        return nil
    }
}
