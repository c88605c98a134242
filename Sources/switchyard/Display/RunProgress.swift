import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime

/// What the display knows of one execution, built from its `ExecutionEvent`s: a value mutated
/// under the display's lock, and read to draw the live view and the summary.
struct RunProgress: Sendable {
    /// One task execution (a top-level task, or a child: `items[2]`, `group/child`).
    struct TaskState: Sendable {
        var path: String
        var startedAt: ContinuousClock.Instant
        var endedAt: ContinuousClock.Instant?
        var status: ExecutionStatus?
        var error: TaskFailure?
        /// The router's choice: the key its condition gave and the task it leads to.
        var route: (key: String, target: String)?
        /// The latest `ctx.progress(...)` of its tool.
        var progress: JSONValue?
        /// Its tool's latest log lines (at most `keptLogLines`), oldest first.
        var logs: [String] = []
        /// Log lines dropped to keep `logs` bounded.
        var droppedLogs = 0
        /// Found completed in the store by `resume`, not run again.
        var restored = false

        /// A path without `/` or `[` is a task of the workflow itself, not a child.
        var isTopLevel: Bool { !path.contains("/") && !path.contains("[") }

        func duration(at now: ContinuousClock.Instant) -> Duration { (endedAt ?? now) - startedAt }
    }

    /// Log lines kept per task: a tool that floods stderr cannot grow the display's memory.
    static let keptLogLines = 50

    /// The workflow's own task count (`tasks:`), when known: the "of N" of the header.
    var topLevelTotal: Int?
    /// Paths in the order they started.
    private(set) var order: [String] = []
    private(set) var tasks: [String: TaskState] = [:]
    /// Task ids by path, to find a task from the id-only tool events (`toolLog`, `toolProgress`).
    private var runningPathByTaskID: [String: String] = [:]

    init(topLevelTotal: Int?) { self.topLevelTotal = topLevelTotal }

    /// Applies `event` and returns the task it changed, when it changed one.
    @discardableResult
    mutating func apply(_ event: ExecutionEvent, at now: ContinuousClock.Instant) -> TaskState? {
        switch event {
        case .taskStarted(_, let taskID, let path):
            if tasks[path] == nil { order.append(path) }
            tasks[path] = TaskState(path: path, startedAt: now)
            runningPathByTaskID[taskID] = path
            return tasks[path]
        case .taskRestored(_, _, let path, let status):
            if tasks[path] == nil { order.append(path) }
            var state = TaskState(path: path, startedAt: now, endedAt: now, status: status)
            state.restored = true
            tasks[path] = state
            return state
        case .taskFinished(_, let taskID, let path, let status, let error):
            if tasks[path] == nil {
                order.append(path)
                tasks[path] = TaskState(path: path, startedAt: now)
            }
            tasks[path]?.endedAt = now
            tasks[path]?.status = status
            tasks[path]?.error = error
            if runningPathByTaskID[taskID] == path { runningPathByTaskID[taskID] = nil }
            return tasks[path]
        case .taskRouted(_, _, let path, let route, let target):
            tasks[path]?.route = (route, target)
            return tasks[path]
        case .toolProgress(_, let taskID, let progress):
            guard let path = runningPathByTaskID[taskID] else { return nil }
            tasks[path]?.progress = progress
            return tasks[path]
        case .toolLog(_, let taskID, _, let message):
            guard let path = runningPathByTaskID[taskID], var state = tasks[path] else { return nil }
            state.logs.append(message)
            if state.logs.count > Self.keptLogLines {
                state.logs.removeFirst(state.logs.count - Self.keptLogLines)
                state.droppedLogs += 1
            }
            tasks[path] = state
            return state
        default:
            return nil
        }
    }

    /// The path a tool event with `taskID` belongs to now (the running task of that id).
    func path(ofRunningTask taskID: String) -> String? { runningPathByTaskID[taskID] }

    /// Tasks started and not ended, in start order.
    var running: [TaskState] { order.compactMap { tasks[$0] }.filter { $0.endedAt == nil } }

    /// Top-level tasks ended (restored ones included), and children ended / started.
    var counts: (done: Int, children: Int, childrenDone: Int) {
        var done = 0, children = 0, childrenDone = 0
        for state in tasks.values {
            if state.isTopLevel {
                if state.endedAt != nil { done += 1 }
            } else {
                children += 1
                if state.endedAt != nil { childrenDone += 1 }
            }
        }
        return (done, children, childrenDone)
    }

    /// The top-level tasks that ran (not restored), in start order, with their durations.
    var topLevelTimings: [(path: String, duration: Duration)] {
        order.compactMap { tasks[$0] }.filter { $0.isTopLevel && !$0.restored && $0.endedAt != nil }
            .map { ($0.path, $0.duration(at: $0.endedAt!)) }
    }
}
