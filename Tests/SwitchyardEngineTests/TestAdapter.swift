import Foundation
import Synchronization
import SwitchyardJSON
import SwitchyardRuntime

/// An in-process adapter whose tools do real work, so engine tests exercise the protocol
/// boundary the engine really uses.
///
/// Tools: `echo` (returns its input), `add` ({a, b} → {sum}), `fail` (throws tool_error with
/// input.message), `flaky` (fails until it has been called input.failures times for input.key),
/// `sleep` (sleeps input.ms, honouring cancellation), `append` (appends input.line to
/// input.file, then sleeps input.ms if given, or blocks until
/// canceled unless the file input.block_unless_exists exists), `error_field` (returns {error: input.message}).
final class TestAdapter: ToolAdapter {
    let id = "test"
    let calls = Mutex<[String: Int]>([:])
    let canceled = Mutex(0)

    func describe() async throws -> [ToolDescriptor] {
        ["echo", "add", "fail", "flaky", "sleep", "append", "error_field"].map { ToolDescriptor(id: $0) }
    }

    func callCount(_ key: String) -> Int { calls.withLock { $0[key] ?? 0 } }

    func call(_ request: ToolCallRequest) -> AsyncThrowingStream<ToolEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let output = try await self.perform(request)
                    continuation.yield(.progress(["tool": .string(request.toolID)]))
                    continuation.yield(.result(output))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Runs the tool in the caller's task, so a canceled call has finished (and counted its
    /// cancel) before `run` returns — as a real adapter's call ends before its terminal frame.
    func run(_ request: ToolCallRequest, onEvent: (ToolEvent) -> Void) async throws -> JSONValue {
        let output = try await perform(request)
        onEvent(.progress(["tool": .string(request.toolID)]))
        return output
    }

    private func perform(_ request: ToolCallRequest) async throws -> JSONValue {
        let input = request.input
        calls.withLock { $0[request.toolID, default: 0] += 1 }
        switch request.toolID {
        case "echo":
            var members = input.objectValue ?? [:]
            if !request.env.isEmpty { members["env"] = .object(request.env.mapValues(JSONValue.string)) }
            if request.config != .emptyObject { members["config"] = request.config }
            return .object(members)
        case "add":
            return ["sum": .int((input["a"]?.intValue ?? 0) + (input["b"]?.intValue ?? 0))]
        case "fail":
            throw ToolError(.toolError, input["message"]?.stringValue ?? "failed on purpose", toolID: request.toolID)
        case "flaky":
            let key = "flaky:" + (input["key"]?.stringValue ?? "")
            let count = calls.withLock { counts -> Int in counts[key, default: 0] += 1; return counts[key]! }
            if count <= Int(input["failures"]?.intValue ?? 0) {
                throw ToolError(.toolError, "flaky failure \(count)", toolID: request.toolID)
            }
            return ["attempts": .int(Int64(count))]
        case "sleep":
            try await sleep(milliseconds: input["ms"]?.intValue ?? 0, request)
            return ["slept": input["ms"] ?? 0, "label": input["label"] ?? .null]
        case "append":
            if let file = input["file"]?.stringValue {
                let line = (input["line"]?.stringValue ?? "x") + "\n"
                // O_APPEND: concurrent children append whole lines instead of overwriting each other.
                let descriptor = open(file, O_WRONLY | O_APPEND | O_CREAT, 0o644)
                guard descriptor >= 0 else { throw ToolError(.toolError, "cannot open \(file)", toolID: request.toolID) }
                _ = line.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
                close(descriptor)
            }
            if let ms = input["ms"]?.intValue { try await sleep(milliseconds: ms, request) }
            // Blocks until the gate file exists (or the call is canceled): a test opens the gate
            // whenever it is ready, before or after the call started.
            if let gate = input["block_unless_exists"]?.stringValue {
                while !FileManager.default.fileExists(atPath: gate) { try await sleep(milliseconds: 10, request) }
            }
            return ["line": input["line"] ?? .null]
        case "error_field":
            return ["error": input["message"] ?? "broken"]
        default:
            throw ToolError(.notFound, "no tool \(request.toolID)", toolID: request.toolID)
        }
    }

    private func sleep(milliseconds: Int64, _ request: ToolCallRequest) async throws {
        do {
            try await Task.sleep(for: .milliseconds(milliseconds))
        } catch {
            canceled.withLock { $0 += 1 }
            throw ToolError(.canceled, "canceled", toolID: request.toolID)
        }
    }
}
