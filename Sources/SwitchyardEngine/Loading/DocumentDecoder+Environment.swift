import SwitchyardJSON
import SwitchyardRuntime

extension DocumentDecoder {
    /// An `env:` map (`stringMap`) whose names and values are checked with
    /// `EnvironmentDeclarationRules`, each problem at `PATH.env.NAME`.
    mutating func environment(_ fields: FieldReader, _ key: String) -> [String: String] {
        let env = stringMap(fields, key)
        let path = fields.path(key)
        // Sorted so `validate` lists the problems of one map in the same order every time.
        for name in env.keys.sorted() {
            let problem = EnvironmentDeclarationRules.problem(name: name)
                ?? EnvironmentDeclarationRules.problem(name: name, value: env[name] ?? "")
            if let problem { fail(FieldReader.join(path, name), problem) }
        }
        return env
    }

    /// The checks on `runtime:` environment fields, which the runtime adapter reads itself:
    /// `env` (a map, as everywhere) and `inherit_env` (host variables passed through by name).
    mutating func checkRuntimeEnvironment(_ runtime: FieldReader) {
        _ = environment(runtime, "env")
        for (path, value) in elements(runtime, "inherit_env") {
            guard let name = value.stringValue else {
                fail(path, "expected an environment variable name")
                continue
            }
            if let problem = EnvironmentDeclarationRules.problem(name: name) { fail(path, problem) }
        }
    }

    /// The tool's `id`, checked with `ToolIdentifierRules` (an absent id is reported as required).
    mutating func toolID(_ fields: FieldReader) -> String {
        guard let id = string(fields, "id", required: true) else { return "" }
        if let problem = ToolIdentifierRules.problem(id) { fail(fields.path("id"), problem) }
        return id
    }
}
