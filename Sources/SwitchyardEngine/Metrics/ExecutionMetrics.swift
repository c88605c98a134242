import Metrics
import SwitchyardRuntime

/// What the engine records about executions and tasks (names in docs/METRICS.md). Labels are
/// bounded: workflow ids come from the project, statuses and task types are fixed sets; no
/// execution or task id is ever a label.
package enum ExecutionMetrics {
    private struct WorkflowStatus: Hashable, Sendable {
        var workflow: String
        var status: ExecutionStatus
    }
    private struct TaskLabels: Hashable, Sendable {
        var workflow: String
        var type: TaskType
        var status: ExecutionStatus
    }

    private static let finished = MetricCache<WorkflowStatus, Counter> { key in
        Counter(label: "switchyard_executions_total",
                dimensions: [("workflow", key.workflow), ("status", key.status.rawValue)])
    }
    private static let running = MetricCache<String, Meter> { workflow in
        Meter(label: "switchyard_executions_running", dimensions: [("workflow", workflow)])
    }
    private static let taskDurations = MetricCache<TaskLabels, Metrics.Timer> { key in
        Metrics.Timer(label: "switchyard_task_duration_seconds",
                      dimensions: [("workflow", key.workflow), ("type", key.type.rawValue),
                                   ("status", key.status.rawValue)],
                      preferredDisplayUnit: .seconds)
    }

    /// Runs one execution (`body`) counted as running meanwhile and by its final status after.
    package static func execution(workflow: String, _ body: () async -> WorkflowResult) async -> WorkflowResult {
        let gauge = running[workflow]
        gauge.increment()
        let result = await body()
        gauge.decrement()
        finished[WorkflowStatus(workflow: workflow, status: result.status)].increment()
        return result
    }

    /// Records a task execution that ended with `status` (restored checkpoints are not recorded).
    package static func taskFinished(_ stopwatch: MetricStopwatch, workflow: String, type: TaskType,
                                     status: ExecutionStatus) {
        taskDurations[TaskLabels(workflow: workflow, type: type, status: status)].record(since: stopwatch)
    }
}
