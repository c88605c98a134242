import SwitchyardRuntime

/// What the loader refuses in an `env:` declaration (project, workflow `config.env`, tool, task,
/// `runtime.env`) and in `runtime.inherit_env`, so `switchyard validate` reports it with its file
/// and field before any tool runs. Runtime adapters check every call again with
/// `ToolEnvironmentRules`, whose deny-list this shares.
enum EnvironmentDeclarationRules {
    /// Why `name` may not be declared, or nil.
    static func problem(name: String) -> String? {
        if name.isEmpty { return "an environment variable name must not be empty" }
        if name.utf8.contains(UInt8(ascii: "=")) {
            return "\"\(name)\" is not an environment variable name (it contains \"=\")"
        }
        if name.utf8.contains(0) { return "\"\(escaped(name))\" is not an environment variable name (it contains NUL)" }
        if ToolEnvironmentRules.isDenied(name) {
            return "\(name) may not be set for tools: it changes how \(loader(of: name)) loads code"
        }
        return nil
    }

    /// Why `value` cannot be passed in variable `name`, or nil: an environment entry is a C
    /// string, so a NUL would cut it short.
    static func problem(name: String, value: String) -> String? {
        value.utf8.contains(0) ? "the value of \(escaped(name)) contains NUL" : nil
    }

    /// Which part of the system reads `name` to decide what code to load.
    private static func loader(of name: String) -> String {
        if name.hasPrefix("BUN_") { return "Bun" }
        if name.hasPrefix("NODE_") { return "Node" }
        if name.hasPrefix("DENO_") { return "Deno" }
        return "the dynamic loader"
    }

    private static func escaped(_ name: String) -> String {
        name.split(separator: "\u{0}", omittingEmptySubsequences: false).joined(separator: "\\0")
    }
}
