import SwitchyardJSON

/// One task in a workflow file (or nested in a parent task), in compozy's schema.
public struct TaskConfig: Sendable {
    /// `id`; for a collection's `task`, a template rendered per item.
    public var id: String
    /// `type` (default `basic`).
    public var type: TaskType
    /// Where the task sits in its file, e.g. `tasks[2]` or `tasks[1].tasks[0]`.
    public var path: String
    /// `with`: the templated input.
    public var with: JSONValue?
    /// `env`: templated environment, layered over the project's and the workflow's.
    public var env: [String: String]
    /// `outputs`: templates that replace the output on success (context `.output`).
    public var outputs: JSONValue?
    /// `on_success`.
    public var onSuccess: Transition?
    /// `on_error`.
    public var onError: Transition?
    /// `final`: the run ends after this task.
    public var isFinal: Bool
    /// `timeout` for each attempt.
    public var timeout: Duration?
    /// `retries` / `config.retry_policy`.
    public var retryPolicy: RetryPolicy?
    /// `condition`: for a router the route key template; for a wait the CEL test on `signal`;
    /// otherwise a skip test (`{{ ... }}` template or CEL) — false skips the task.
    public var condition: String?
    /// `sleep` before the task runs.
    public var sleep: Duration?
    /// basic: `tool` id.
    public var tool: String?
    /// basic: `agent` id.
    public var agent: String?
    /// basic: `action` of the agent.
    public var action: String?
    /// basic: `prompt` for the agent; without an agent or tool, the task is one model call.
    public var prompt: String?
    /// basic: `model_config`, the model of a prompt-only task (a project model id or an inline
    /// model; gaps are filled from the project's default model).
    public var modelConfig: JSONValue?
    /// router: `routes`, in file order.
    public var routes: [Route]
    /// parallel / composite: `tasks`.
    public var tasks: [TaskConfig]
    /// parallel / collection / composite: `strategy`.
    public var strategy: ParallelStrategy
    /// parallel / collection: `max_workers` (`nil`: no limit beyond the engine's default).
    public var maxWorkers: Int?
    /// collection: `items`, a template or a literal list.
    public var items: JSONValue?
    /// collection: `filter`, a template or CEL test per item.
    public var filter: String?
    /// collection: `item_var` (default `item`).
    public var itemVar: String
    /// collection: `index_var` (default `index`).
    public var indexVar: String
    /// collection: `mode`.
    public var mode: CollectionMode
    /// collection: `batch` size (`nil` or 0: one batch).
    public var batch: Int?
    /// wait: `wait_for`, the signal name.
    public var waitFor: String?
    /// wait: `on_timeout`, the task to go to when the wait times out.
    public var onTimeout: String?
    /// signal: `signal: {id, payload}`.
    public var signal: SignalSpec?
    /// The task exactly as written.
    public var raw: JSONValue
    /// `input`: JSON Schema of the task's input (a schema id in the file is resolved by the loader).
    public var inputSchema: JSONValue?
    /// `output`: JSON Schema of the task's output (a schema id in the file is resolved by the loader).
    public var outputSchema: JSONValue?

    // A struct cannot hold an optional of itself; one-element arrays give the indirection.
    var taskStorage: [TaskConfig] = []
    var processorStorage: [TaskConfig] = []

    /// collection: `task`, the template each child is cloned from.
    public var task: TaskConfig? {
        get { taskStorage.first }
        set { taskStorage = newValue.map { [$0] } ?? [] }
    }

    /// wait: `processor`, run on the matching signal.
    public var processor: TaskConfig? {
        get { processorStorage.first }
        set { processorStorage = newValue.map { [$0] } ?? [] }
    }

    /// Creates a task with defaults for everything but its id and type.
    public init(id: String, type: TaskType = .basic, path: String = "") {
        self.id = id
        self.type = type
        self.path = path
        self.env = [:]
        self.isFinal = false
        self.routes = []
        self.tasks = []
        self.strategy = .waitAll
        self.itemVar = "item"
        self.indexVar = "index"
        self.mode = .parallel
        self.raw = .emptyObject
    }
}

/// The task types of docs/ENGINE.md.
public enum TaskType: String, Sendable, CaseIterable {
    /// One tool or agent call; `router`: picks the next task; `parallel`/`collection`/`composite`:
    /// run children; `aggregate`: combines outputs; `wait`/`signal`: receive and send signals.
    case basic, router, parallel, collection, composite, aggregate, wait, signal
}

extension TaskType {
    /// parallel, composite and collection: the types compozy gives `.children` (`CanHaveChildren`).
    var hasChildren: Bool { self == .parallel || self == .composite || self == .collection }
}

/// How a parent's children decide its outcome.
public enum ParallelStrategy: String, Sendable, CaseIterable {
    /// Success iff every child succeeds.
    case waitAll = "wait_all"
    /// Fails (canceling the rest) on the first failure.
    case failFast = "fail_fast"
    /// Success if at least one child succeeds.
    case bestEffort = "best_effort"
    /// Success (canceling the rest) on the first success.
    case race
}

/// How a collection runs its children.
public enum CollectionMode: String, Sendable, CaseIterable {
    /// Children at once (up to `max_workers`), or one after another.
    case parallel, sequential
}

/// `on_success` / `on_error`.
public struct Transition: Sendable {
    /// `next`: the task to run next; `nil` ends the run.
    public var next: String?
    /// `with`: templated input merged over the next task's own `with`.
    public var with: JSONValue?

    /// Creates a transition.
    public init(next: String?, with: JSONValue? = nil) {
        self.next = next
        self.with = with
    }
}

/// Retry budget and backoff (`retries: N` or `config.retry_policy`).
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts including the first.
    public var maximumAttempts: Int
    /// Pause before the first retry.
    public var initialInterval: Duration
    /// Factor applied to the pause after each retry.
    public var backoffCoefficient: Double
    /// Upper bound on the pause.
    public var maximumInterval: Duration?

    /// Creates a policy.
    public init(maximumAttempts: Int, initialInterval: Duration = .milliseconds(100),
                backoffCoefficient: Double = 2, maximumInterval: Duration? = nil) {
        self.maximumAttempts = maximumAttempts
        self.initialInterval = initialInterval
        self.backoffCoefficient = backoffCoefficient
        self.maximumInterval = maximumInterval
    }

    /// The pause before attempt `attempt` (2 for the first retry).
    public func delay(beforeAttempt attempt: Int) -> Duration {
        var delay = initialInterval * pow(backoffCoefficient, Double(max(0, attempt - 2)))
        if let maximumInterval, delay > maximumInterval { delay = maximumInterval }
        return delay
    }
}

/// One router route: its key and where it leads.
public struct Route: Sendable {
    /// The value of the rendered condition that selects this route.
    public var key: String
    /// A task id to go to next, or an inline task to run.
    public var target: RouteTarget

    /// Creates a route.
    public init(key: String, target: RouteTarget) {
        self.key = key
        self.target = target
    }
}

/// Where a route leads.
public indirect enum RouteTarget: Sendable {
    /// The id of a workflow task to run next.
    case taskID(String)
    /// A task defined inline, run as the router's child.
    case inline(TaskConfig)
}

/// `signal: {id, payload}` of a signal task.
public struct SignalSpec: Sendable {
    /// The signal name waiting tasks match with `wait_for`.
    public var id: String
    /// The templated payload.
    public var payload: JSONValue

    /// Creates a signal spec.
    public init(id: String, payload: JSONValue = .emptyObject) {
        self.id = id
        self.payload = payload
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 { result *= base; remaining -= 1 }
    return result
}
