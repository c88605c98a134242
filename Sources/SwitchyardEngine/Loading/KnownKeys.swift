import SwitchyardJSON

/// The keys each kind of mapping in a project may hold, so a typo (`on_sucess:`, `runtme:`) is
/// reported instead of silently ignored.
///
/// The lists are compozy's: the `properties` of its published JSON Schemas (`schemas/project.json`,
/// `workflow.json`, `task.json`, `tool.json`, `agent.json` in `compozy/compozy`), which all say
/// `additionalProperties: false`, united over the versions of its v0 engine (an older project's
/// `agent.config:` or `tool.execute:` stays valid), plus the few keys Switchyard adds (marked).
/// A key compozy knows but Switchyard does not act on yet is accepted here; what it means is the
/// business of the reader of that field, not of this check.
enum KnownKeys {
    static let project: Set<String> = [
        "name", "version", "description", "author", "workflows", "models", "schemas", "config",
        "runtime", "autoload", "tools", "memories", "monitoring", "CWD", "knowledge_bases",
        "embedders", "vector_dbs", "knowledge", "mcps", "cache",
        "database",  // compozy's store block, read as `store:` (DocumentDecoder+Database.swift)
        "env", "adapters", "store",  // Switchyard: project-wide env, C-ABI adapter libraries, the execution store
    ]
    /// compozy's `database:` (`pkg/config` `DatabaseConfig`).
    static let database: Set<String> = [
        "driver", "path", "conn_string", "url", "host", "port", "user", "password", "dbname", "sslmode",
        "auto_migrate", "max_open_conns", "max_idle_conns", "conn_max_lifetime", "conn_max_idle_time",
        "busy_timeout",
    ]
    static let workflowSource: Set<String> = ["source"]
    static let autoload: Set<String> = ["enabled", "strict", "include", "exclude", "watch_enabled"]
    static let adapter: Set<String> = ["id", "library", "config", "sha256", "isolation", "limits"]
    static let adapterLimits: Set<String> = ["memory_mb", "cpu_seconds", "open_files", "max_in_flight"]

    static let workflow: Set<String> = [
        "id", "version", "description", "author", "config", "schemas", "tools", "agents", "mcps",
        "tasks", "outputs", "triggers", "schedule", "resource", "knowledge_bases", "knowledge",
        "timeout",  // Switchyard: the whole execution's deadline (also accepted under config:)
    ]
    /// compozy's `workflow.Schedule`.
    static let schedule: Set<String> = [
        "cron", "timezone", "enabled", "jitter", "overlap_policy", "start_at", "end_at", "input",
    ]
    static let workflowConfig: Set<String> = globalOptions.union(["env", "input", "timeout"])

    /// compozy's `GlobalOpts`: a task's `config:` and the common part of a workflow's.
    static let globalOptions: Set<String> = [
        "heartbeat_timeout", "on_error", "retry_policy", "schedule_to_close_timeout",
        "schedule_to_start_timeout", "start_to_close_timeout",
    ]
    static let retryPolicy: Set<String> = [
        "backoff_coefficient", "initial_interval", "maximum_attempts", "maximum_interval",
        "non_retryable_error_types",
    ]
    static let transition: Set<String> = ["next", "with"]
    static let signal: Set<String> = ["id", "payload"]

    static let task: Set<String> = [
        "id", "type", "resource", "file_path", "action", "agent", "tool", "tools", "mcps", "memory",
        "prompt", "model_config", "max_iterations", "attachments", "knowledge", "with", "env",
        "input", "output", "outputs", "config", "condition", "on_success", "on_error", "final",
        "timeout", "retries", "sleep", "strategy", "max_workers", "tasks", "task", "items",
        "filter", "item_var", "index_var", "mode", "batch", "routes", "wait_for", "on_timeout",
        "processor", "signal", "operation", "memory_ref", "key_template", "payload", "batch_size",
        "max_keys", "clear_config", "flush_config", "health_config", "stats_config",
        "name", "description",  // compozy's display metadata (examples/agentic, standalone/basic)
    ]

    static let tool: Set<String> = [
        "id", "name", "description", "resource", "input", "output", "config", "env", "timeout", "with",
        "execute",
        "adapter", "ffi",  // Switchyard: the adapter that runs the tool, an ffi signature
    ]
    static let agent: Set<String> = [
        "id", "name", "description", "resource", "instructions", "model", "config", "actions", "tools", "mcps",
        "memory", "max_iterations", "json_mode", "env", "with", "attachments", "knowledge",
    ]
    static let action: Set<String> = [
        "id", "name", "description", "prompt", "input", "output", "with", "json_mode", "attachments", "tools",
    ]

    /// The known key closest to `key`, when it is close enough to be the intended one: at most
    /// a third of its letters apart (one edit for short keys).
    static func suggestion(for key: String, among known: Set<String>) -> String? {
        let limit = max(1, key.count / 3)
        let ranked = known.map { (candidate: $0, distance: editDistance(key, $0)) }
            .filter { $0.distance <= limit }
            .sorted { ($0.distance, $0.candidate) < ($1.distance, $1.candidate) }
        return ranked.first?.candidate
    }

    /// Levenshtein distance over characters (the keys are a few dozen letters: quadratic is fine).
    static func editDistance(_ left: String, _ right: String) -> Int {
        let a = Array(left), b = Array(right)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension DocumentDecoder {
    /// Reports every key of `fields` that `known` does not list, as `PATH.KEY: unknown key in
    /// WHAT (did you mean "..."?)`. Keys starting with `$` are compozy's reference directives
    /// (`$ref`, `$use`, `$merge`), which are not fields.
    mutating func checkKeys(_ fields: FieldReader, known: Set<String>, in what: String) {
        for key in fields.members.keys.sorted() where !known.contains(key) && !key.hasPrefix("$") {
            var reason = "unknown key in \(what)"
            if let suggestion = KnownKeys.suggestion(for: key, among: known) { reason += " (did you mean \"\(suggestion)\"?)" }
            fail(fields.path(key), reason)
        }
    }

    /// The keys inside a `config:` block's `retry_policy` and `on_error`.
    mutating func checkOptionKeys(_ config: FieldReader) {
        if let policy = config.members["retry_policy"].flatMap({ try? FieldReader($0, at: config.path("retry_policy")) }) {
            checkKeys(policy, known: KnownKeys.retryPolicy, in: "retry_policy")
        }
        if let onError = config.members["on_error"].flatMap({ try? FieldReader($0, at: config.path("on_error")) }) {
            checkKeys(onError, known: KnownKeys.transition, in: "on_error")
        }
    }

    /// The keys of each agent mapping and of its actions (the agent itself is read by the agent
    /// runner when a task uses it; a typo should not wait for that).
    mutating func checkAgentKeys(_ agents: [(path: String, value: JSONValue)]) {
        for (path, value) in agents {
            guard let agent = try? FieldReader(value, at: path) else { continue }
            checkKeys(agent, known: KnownKeys.agent, in: "an agent")
            for (actionPath, action) in (try? agent.elements("actions")) ?? [] {
                if let fields = try? FieldReader(action, at: actionPath) { checkKeys(fields, known: KnownKeys.action, in: "an agent action") }
            }
        }
    }
}
