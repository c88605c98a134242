import SwitchyardJSON

/// One instance's settings, parsed from the `create` config JSON (built from the project's
/// `runtime:` block). Unknown keys are ignored; a bad value names its field.
struct BunAdapterConfiguration: Sendable {
    /// Which JavaScript runtime runs the tools.
    enum RuntimeKind: String, Sendable { case bun, node, deno }
    /// Warm workers shared by calls, or a fresh process per call.
    enum Mode: String, Sendable { case pooled, perCall = "per_call" }

    var runtime: RuntimeKind = .bun
    var entrypoint: String
    var executable: String?
    var mode: Mode = .pooled
    var workers = 2
    var maxCallsPerWorker = 10_000
    var maxWorkerMemoryMB = 512
    var maxInflightPerWorker = 16
    var toolExecutionTimeoutMS: Int64 = 60_000
    var maxOutputBytes = 10 * 1024 * 1024
    var maxStderrBytes = 1024 * 1024
    var killGraceMS = 500
    var permissions: [String] = []
    var projectDirectory: String?
    var environment: [String: String] = [:]

    /// Parses and checks the config object.
    /// - Throws: `AdapterFailure.invalid` naming the field.
    init(json bytes: some Collection<UInt8>) throws(AdapterFailure) {
        let root: JSONValue
        do { root = try JSONValue(parsing: bytes) } catch {
            throw .invalid("bun adapter config: not JSON: \(error)")
        }
        guard let object = root.objectValue else {
            throw .invalid("bun adapter config: expected a JSON object, got \(root.typeName)")
        }
        func field(_ name: String) -> JSONValue? {
            guard let value = object[name], !value.isNull else { return nil }
            return value
        }
        func string(_ name: String) throws(AdapterFailure) -> String? {
            guard let value = field(name) else { return nil }
            guard let text = value.stringValue else {
                throw .invalid("bun adapter config: `\(name)` must be a string, got \(value.typeName)")
            }
            return text
        }
        func integer(_ name: String, minimum: Int64) throws(AdapterFailure) -> Int64? {
            guard let value = field(name) else { return nil }
            guard let number = value.intValue, number >= minimum else {
                throw .invalid("bun adapter config: `\(name)` must be an integer >= \(minimum), got \(value)")
            }
            return number
        }

        if let type = try string("type") {
            guard let kind = RuntimeKind(rawValue: type) else {
                throw .invalid("bun adapter config: `type` must be bun, node or deno, got \"\(type)\"")
            }
            runtime = kind
        }
        guard let entrypoint = try string("entrypoint"), !entrypoint.isEmpty else {
            throw .invalid("bun adapter config: `entrypoint` is required (an absolute path to the tools module)")
        }
        guard entrypoint.hasPrefix("/") else {
            throw .invalid("bun adapter config: `entrypoint` must be an absolute path, got \"\(entrypoint)\"")
        }
        self.entrypoint = entrypoint
        executable = try string("executable").flatMap { $0.isEmpty ? nil : $0 }
        if let mode = try string("mode") {
            guard let parsed = Mode(rawValue: mode) else {
                throw .invalid("bun adapter config: `mode` must be pooled or per_call, got \"\(mode)\"")
            }
            self.mode = parsed
        }
        workers = Int(try integer("workers", minimum: 1) ?? Int64(workers))
        maxCallsPerWorker = Int(try integer("max_calls_per_worker", minimum: 1) ?? Int64(maxCallsPerWorker))
        maxWorkerMemoryMB = Int(try integer("max_worker_memory_mb", minimum: 1) ?? Int64(maxWorkerMemoryMB))
        maxInflightPerWorker = Int(try integer("max_inflight_per_worker", minimum: 1) ?? Int64(maxInflightPerWorker))
        toolExecutionTimeoutMS = try integer("tool_execution_timeout_ms", minimum: 0) ?? toolExecutionTimeoutMS
        maxOutputBytes = Int(try integer("max_output_bytes", minimum: 1) ?? Int64(maxOutputBytes))
        maxStderrBytes = Int(try integer("max_stderr_bytes", minimum: 0) ?? Int64(maxStderrBytes))
        killGraceMS = Int(try integer("kill_grace_ms", minimum: 0) ?? Int64(killGraceMS))
        if let value = field("permissions") {
            guard let list = value.arrayValue else {
                throw .invalid("bun adapter config: `permissions` must be an array of strings")
            }
            permissions = try list.enumerated().map { (index, item) throws(AdapterFailure) -> String in
                guard let flag = item.stringValue, flag.hasPrefix("--allow-") || flag.hasPrefix("--deny-") else {
                    throw .invalid("bun adapter config: `permissions[\(index)]` must be a Deno flag like \"--allow-read\", got \(item)")
                }
                return flag
            }
        }
        projectDirectory = try string("project_dir")
        if let value = field("env") {
            guard let members = value.objectValue else {
                throw .invalid("bun adapter config: `env` must be an object of strings")
            }
            for (key, item) in members {
                guard let text = item.stringValue else {
                    throw .invalid("bun adapter config: `env.\(key)` must be a string, got \(item.typeName)")
                }
                if let problem = EnvironmentRules.problem(key: key, value: text) {
                    throw .invalid("bun adapter config: `env.\(key)`: \(problem)")
                }
                environment[key] = text
            }
        }
    }

    /// The directory workers run in: the project, else the entrypoint's folder.
    var workingDirectory: String {
        if let projectDirectory, !projectDirectory.isEmpty { return projectDirectory }
        let parts = entrypoint.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        let folder = parts.joined(separator: "/")
        return folder.isEmpty ? "/" : folder
    }
}
