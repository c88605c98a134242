import SwitchyardRuntime

/// Which environment variables a call (or the instance config) may set: the shared rules, and
/// the variables the adapter itself sets for the worker.
enum EnvironmentRules {
    /// Variables the adapter itself sets for the worker.
    static let reserved: Set<String> = [PerCallDispatcher.requestVariable, DescendantReaper.markerVariable]

    /// Why `key=value` is not acceptable, or nil.
    static func problem(key: String, value: String) -> String? {
        if let problem = ToolEnvironmentRules.problem(key: key, value: value) { return problem }
        if reserved.contains(key) { return "env key \"\(key)\" is reserved for the adapter" }
        return nil
    }
}
