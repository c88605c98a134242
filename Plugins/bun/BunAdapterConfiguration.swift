import SwitchyardAdapterKit
import SwitchyardJSON
import SwitchyardRuntime

/// One instance's settings, parsed from the `create` config JSON (built from the project's
/// `runtime:` block). Unknown keys are ignored; a bad value names its field.
struct BunAdapterConfiguration: Sendable {
    /// Which JavaScript runtime runs the tools.
    enum RuntimeKind: String, Sendable, CaseIterable { case bun, node, deno }
    /// Warm workers shared by calls, or a fresh process per call.
    enum Mode: String, Sendable, CaseIterable { case pooled, perCall = "per_call" }

    var runtime: RuntimeKind = .bun
    var entrypoint: String
    var executable: String?
    var mode: Mode = .pooled
    var workers = 2
    var maxCallsPerWorker = 10_000
    var maxWorkerMemoryMB = 512
    var maxInflightPerWorker = 16
    /// per_call: runtime processes running at once; more calls wait in a queue.
    var maxConcurrent = 16
    var toolExecutionTimeoutMS: Int64 = 60_000
    var maxOutputBytes = 10 * 1024 * 1024
    var maxStderrBytes = 1024 * 1024
    var killGraceMS = 500
    var permissions: [String] = []
    var projectDirectory: String?
    var environment: [String: String] = [:]
    /// Host variables the project passes through to tool processes beyond the harmless default
    /// set (`ToolEnvironmentRules.inheritedByDefault`).
    var inheritedVariables: Set<String> = []

    /// Parses and checks the config object.
    /// - Throws: `AdapterFailure.invalid` naming the field.
    init(json bytes: some Collection<UInt8>) throws(AdapterFailure) {
        let root: JSONValue
        do { root = try JSONValue(parsing: bytes) } catch {
            throw .invalid("bun adapter config: not JSON: \(error)")
        }
        guard let fields = try? FieldReader(root) else {
            throw .invalid("bun adapter config: expected a JSON object, got \(root.typeName)")
        }
        func check<Value>(expected: String? = nil,
                          _ read: () throws(FieldProblem) -> Value) throws(AdapterFailure) -> Value {
            do { return try read() } catch { throw Self.failure(error, expected: expected) }
        }
        func string(_ name: String) throws(AdapterFailure) -> String? {
            try check { () throws(FieldProblem) in try fields.string(name) }
        }
        func integer(_ name: String, minimum: Int) throws(AdapterFailure) -> Int? {
            guard let value = fields[name] else { return nil }
            guard let number = try? fields.int(name), number >= minimum else {
                throw .invalid("bun adapter config: `\(name)` must be an integer >= \(minimum), got \(value)")
            }
            return number
        }

        if let kind = try check({ () throws(FieldProblem) in try fields.oneOf("type", as: RuntimeKind.self) }) {
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
        if let mode = try check({ () throws(FieldProblem) in try fields.oneOf("mode", as: Mode.self) }) {
            self.mode = mode
        }
        workers = try integer("workers", minimum: 1) ?? workers
        maxCallsPerWorker = try integer("max_calls_per_worker", minimum: 1) ?? maxCallsPerWorker
        maxWorkerMemoryMB = try integer("max_worker_memory_mb", minimum: 1) ?? maxWorkerMemoryMB
        maxInflightPerWorker = try integer("max_inflight_per_worker", minimum: 1) ?? maxInflightPerWorker
        maxConcurrent = try integer("max_concurrent", minimum: 1) ?? maxConcurrent
        toolExecutionTimeoutMS = try integer("tool_execution_timeout_ms", minimum: 0).map(Int64.init) ?? toolExecutionTimeoutMS
        maxOutputBytes = try integer("max_output_bytes", minimum: 1) ?? maxOutputBytes
        maxStderrBytes = try integer("max_stderr_bytes", minimum: 0) ?? maxStderrBytes
        killGraceMS = try integer("kill_grace_ms", minimum: 0) ?? killGraceMS
        let flags = try check(expected: "an array of strings") { () throws(FieldProblem) in try fields.elements("permissions") }
        permissions = try flags.map { (path, item) throws(AdapterFailure) -> String in
            guard let flag = item.stringValue, flag.hasPrefix("--allow-") || flag.hasPrefix("--deny-") else {
                throw .invalid("bun adapter config: `\(path)` must be a Deno flag like \"--allow-read\", got \(item)")
            }
            return flag
        }
        let inherit = try check(expected: "an array of variable names") { () throws(FieldProblem) in try fields.elements("inherit_env") }
        for (path, item) in inherit {
            guard let name = item.stringValue else {
                throw .invalid("bun adapter config: `\(path)` must be a variable name, got \(item)")
            }
            if let problem = ToolEnvironmentRules.problem(key: name, value: "") {
                throw .invalid("bun adapter config: `\(path)`: \(problem)")
            }
            inheritedVariables.insert(name)
        }
        projectDirectory = try string("project_dir")
        if let env = try check(expected: "an object of strings", { () throws(FieldProblem) in try fields.object("env") }) {
            for key in env.members.keys {
                guard let text = env.members[key]?.stringValue else {
                    throw Self.failure(FieldProblem(env.path(key), .wrongType(expected: .string, found: env.members[key]!)))
                }
                if let problem = EnvironmentRules.problem(key: key, value: text) {
                    throw .invalid("bun adapter config: `\(env.path(key))`: \(problem)")
                }
                environment[key] = text
            }
        }
    }

    /// A reader's refusal in this adapter's words: ``bun adapter config: `FIELD` must be ...``.
    /// - Parameter expected: What to say the field must be instead of naming its JSON type.
    private static func failure(_ problem: FieldProblem, expected: String? = nil) -> AdapterFailure {
        let field = "bun adapter config: `\(problem.path)`"
        switch problem.reason {
        case .wrongType(let type, let found):
            if let expected { return .invalid("\(field) must be \(expected)") }
            return .invalid("\(field) must be \(type.jsonPhrase), got \(found.typeName)")
        case .notOneOf(_, let found, let allowed):
            let choices = allowed.dropLast().joined(separator: ", ") + " or " + (allowed.last ?? "")
            return .invalid("\(field) must be \(choices), got \"\(found)\"")
        case .missing, .empty: return .invalid("\(field) is required")
        case .invalid(let text): return .invalid("\(field) \(text)")
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
