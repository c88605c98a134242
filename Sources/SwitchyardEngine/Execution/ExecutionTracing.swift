import SwitchyardJSON
import SwitchyardRuntime
import Tracing

// Spans of an execution, its tasks and their tool calls (docs/TRACING.md), through the
// swift-distributed-tracing API only: whatever tracer the process bootstrapped receives them, and
// without one they go to the no-op tracer. Attributes are set only when a span records, so an
// untraced run builds no strings for them.

extension ExecutionRun {
    /// `run(timeout:)` inside the execution's span, a child of the caller's trace context (an API
    /// request's `traceparent`) or a new root.
    func runTraced(timeout: Duration?) async -> WorkflowResult {
        await withSpan("workflow \(workflow.executionWorkflowID)", ofKind: .internal) { span in
            if span.isRecording {
                span.updateAttributes { attributes in
                    attributes[TraceAttribute.execID] = execID
                    attributes[TraceAttribute.workflowID] = workflow.executionWorkflowID
                }
            }
            let result = await run(timeout: timeout)
            if span.isRecording {
                span.attributes[TraceAttribute.status] = result.status.rawValue
                if result.status != .success {
                    let message = result.error?["message"]?.stringValue ?? result.status.rawValue
                    if let kind = result.error?["kind"]?.stringValue { span.attributes[TraceAttribute.errorType] = kind }
                    span.setStatus(SpanStatus(code: .error, message: message))
                }
            }
            return result
        }
    }

    /// One task execution's attempts inside its span; child tasks run inside it, so their spans
    /// are its children.
    func withTaskSpan(_ task: CompiledTask, id: String, path: String, taskExecID: String,
                      _ body: () async throws -> Attempt) async throws -> Attempt {
        try await tracer.withAnySpan("task \(id)", ofKind: .internal) { span in
            let recording = span.isRecording
            // Built in one dictionary sized for all of them and set once when the span ends: every
            // `span.attributes[...] =` copies the span's dictionary under its lock.
            var attributes: [String: SpanAttribute] = [:]
            if recording {
                attributes = TraceAttribute.make([
                    TraceAttribute.execID: execID, TraceAttribute.workflowID: workflow.executionWorkflowID,
                    TraceAttribute.taskID: id, TraceAttribute.taskPath: path,
                    TraceAttribute.taskType: task.config.type.rawValue, TraceAttribute.taskExecID: taskExecID,
                ])
            }
            defer { if recording { span.attributes = SpanAttributes(attributes) } }
            do {
                let attempt = try await body()
                if recording { Self.record(attempt.status, attempt.error, into: &attributes, on: span) }
                return attempt
            } catch let failure as TaskFailure {
                if recording { Self.record(.failed, failure, into: &attributes, on: span) }
                throw failure
            }
        }
    }

    /// `adapter` with its calls for `tool` traced: `tracedCall(...).run(request) { ... }` in place
    /// of `adapter.run(request) { ... }`.
    func tracedCall(_ adapter: any ToolAdapter, tool: ToolConfig, taskID: String) -> TracedToolCall {
        TracedToolCall(execID: execID, adapter: adapter, tool: tool, taskID: taskID, tracer: tracer)
    }

    private static func record(_ status: ExecutionStatus, _ failure: TaskFailure?,
                               into attributes: inout [String: SpanAttribute], on span: any Span) {
        attributes[TraceAttribute.status] = .string(status.rawValue)
        guard status != .success else { return }
        if let kind = failure?.kind { attributes[TraceAttribute.errorType] = .string(kind.rawValue) }
        span.setStatus(SpanStatus(code: .error, message: failure?.message ?? status.rawValue))
    }
}

/// One tool call inside its span. The call's env gains `TRACEPARENT` (and `TRACESTATE`) naming
/// that span, so a tool can continue the trace. Also used by the agent loop (SwitchyardHost),
/// whose calls run inside the agent task's span and know no exec or task id.
package struct TracedToolCall {
    let execID: String?
    let adapter: any ToolAdapter
    let tool: ToolConfig
    let taskID: String?
    let tracer: any Tracer

    /// A call of `tool` through `adapter`; the ids, when known, become span attributes.
    /// - Parameter tracer: the tracer to use, by default the bootstrapped one.
    package init(execID: String?, adapter: any ToolAdapter, tool: ToolConfig, taskID: String?,
                 tracer: any Tracer = InstrumentationSystem.tracer) {
        self.execID = execID
        self.adapter = adapter
        self.tool = tool
        self.taskID = taskID
        self.tracer = tracer
    }

    /// `adapter.run(request, onEvent:)` inside an `execute_tool TOOL_ID` span.
    package func run(_ request: ToolCallRequest, onEvent: (ToolEvent) -> Void) async throws -> JSONValue {
        try await tracer.withAnySpan("execute_tool \(tool.id)", ofKind: .internal) { span in
            guard span.isRecording else { return try await adapter.run(request, onEvent: onEvent) }
            var attributes = TraceAttribute.make([
                TraceAttribute.toolID: tool.id, TraceAttribute.toolName: tool.id,
                TraceAttribute.operationName: "execute_tool", TraceAttribute.adapter: tool.adapterKey,
            ], extra: 4)
            if let execID { attributes[TraceAttribute.execID] = .string(execID) }
            if let taskID { attributes[TraceAttribute.taskID] = .string(taskID) }
            defer { span.attributes = SpanAttributes(attributes) }
            var traced = request
            tracer.inject(span.context, into: &traced.env, using: TraceEnvironmentInjector())
            do {
                let output = try await adapter.run(traced, onEvent: onEvent)
                attributes[TraceAttribute.toolStatus] = "success"
                return output
            } catch {
                let toolError = error as? ToolError
                let kind = Task.isCancelled ? ToolError.Kind.canceled : toolError?.kind ?? .protocol
                attributes[TraceAttribute.toolStatus] = .string(kind == .canceled ? "canceled" : "failed")
                attributes[TraceAttribute.errorType] = .string(kind.rawValue)
                span.setStatus(SpanStatus(code: .error, message: toolError?.message ?? "\(error)"))
                throw error
            }
        }
    }
}

/// The attribute names of docs/TRACING.md: OpenTelemetry's where a convention exists
/// (`error.type`, `gen_ai.*`), `switchyard.*` for the engine's own.
enum TraceAttribute {
    static let execID = "switchyard.exec_id"
    static let workflowID = "switchyard.workflow_id"
    static let status = "switchyard.status"
    static let taskID = "switchyard.task_id"
    static let taskPath = "switchyard.task.path"
    static let taskType = "switchyard.task.type"
    static let taskExecID = "switchyard.task_exec_id"
    static let toolID = "switchyard.tool_id"
    static let toolStatus = "switchyard.tool.status"
    static let adapter = "switchyard.adapter"
    static let toolName = "gen_ai.tool.name"
    static let operationName = "gen_ai.operation.name"
    static let errorType = "error.type"

    /// String attributes in a dictionary with room for `extra` more, so adding the status at the
    /// end does not grow it.
    static func make(_ pairs: KeyValuePairs<String, String>, extra: Int = 2) -> [String: SpanAttribute] {
        var attributes = [String: SpanAttribute](minimumCapacity: pairs.count + extra)
        for (key, value) in pairs { attributes[key] = .string(value) }
        return attributes
    }
}

/// Writes a trace context into a tool call's env under the names of OpenTelemetry's
/// environment-variable propagation: `traceparent` → `TRACEPARENT`, `tracestate` → `TRACESTATE`.
struct TraceEnvironmentInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key.uppercased()] = value
    }
}
