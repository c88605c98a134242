import Foundation
import SwitchyardIsolation
import SwitchyardJSON
import SwitchyardRuntime

/// `switchyard plugin check --isolated`: the library as `isolation: process` runs it — loaded
/// by a `switchyard-adapter-helper` process — through the helper's start, describe, a call, a
/// cancel and a clean shutdown. A plugin that crashes, exits or hangs fails the step it did it
/// in, and the check itself survives to say so.
public enum IsolatedLibraryCheck {
    /// One checked step, as `plugin check` reports it (the same shape as the in-process check's).
    public struct Step: Sendable, Hashable {
        /// `start`, `describe`, `call`, `cancel` or `shutdown`.
        public var name: String
        /// Whether the adapter passed it.
        public var passed: Bool
        /// What was seen, or what was wrong.
        public var detail: String

        /// `ok NAME DETAIL` or `FAIL NAME: DETAIL`.
        public var line: String { passed ? "ok \(name) \(detail)" : "FAIL \(name): \(detail)" }
        /// `{"name", "passed", "detail"}`, for `plugin check --json`.
        public var json: JSONValue { ["name": .string(name), "passed": .bool(passed), "detail": .string(detail)] }
    }

    /// Runs every step (`start`, `describe`, `call`, `cancel`, `shutdown`), reporting each.
    /// - Parameters:
    ///   - path: the adapter library.
    ///   - choice: the tool and input to call (default: the first tool, with `{}`).
    ///   - helperExecutable: the helper to use; `nil` finds it (``HelperExecutable/locate(in:environment:)``).
    ///   - onStep: each step as it finishes.
    /// - Returns: whether every step passed.
    /// - Throws: `HostError` `.adapterLoad` when there is no file at `path` or no helper.
    public static func run(libraryPath path: String, calling choice: AdapterLibraryCheck.CallChoice = .init(),
                           helperExecutable: String? = nil,
                           onStep: (Step) -> Void) async throws(HostError) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else {
            throw HostError(.adapterLoad, "plugin check: no such file: \(path)")
        }
        guard let helper = helperExecutable ?? HelperExecutable.locate() else {
            throw HostError(.adapterLoad, "plugin check --isolated: no \(HelperExecutable.name) beside "
                            + "\(HelperExecutable.executableDirectory); set SWITCHYARD_ADAPTER_HELPER to its path")
        }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let adapter: IsolatedAdapter
        do {
            adapter = try IsolatedAdapter(
                id: "plugin-check", libraryPath: absolute,
                options: IsolatedAdapterOptions(helperExecutable: helper, defaultTimeout: .seconds(10),
                                                startTimeout: .seconds(10)))
        } catch {
            throw HostError(.adapterLoad, "plugin check --isolated: \(error.message)")
        }
        var passed = true
        func record(_ name: String, _ ok: Bool, _ detail: String) {
            passed = passed && ok
            onStep(Step(name: name, passed: ok, detail: detail))
        }

        let tools: [ToolDescriptor]
        do {
            tools = try await adapter.describe()
            record("start", true, "helper \(adapter.helperProcessID.map(String.init) ?? "?") loaded \(absolute)")
        } catch {
            record("start", false, "\(error)")
            await adapter.shutdown()
            return false
        }
        guard let first = choice.tool.map({ tool in tools.first { $0.id == tool } }) ?? tools.first else {
            record("describe", false, choice.tool.map { "the adapter describes no tool \($0)" }
                   ?? "the adapter describes no tools, so no call can be checked")
            await adapter.shutdown()
            return false
        }
        record("describe", true, "\(tools.count) tools (\(tools.map(\.id).joined(separator: ", ")))")

        let failuresBefore = adapter.counts.helperFailures
        do {
            let output = try await adapter.run(ToolCallRequest(toolID: first.id, input: choice.input ?? .emptyObject))
            record("call", true, "\(first.id) → result \(excerpt(output.jsonString))")
        } catch let error as ToolError {
            let hostDecided: Set<ToolError.Kind> = [.timeout, .protocol, .outputLimit, .crashed]
            record("call", !hostDecided.contains(error.kind), "\(first.id) → \(excerpt(error.description))")
        } catch {
            record("call", false, "\(first.id) → \(error)")
        }

        let sleeper = tools.first { $0.id == "sleep" }
        let request = sleeper.map { ToolCallRequest(toolID: $0.id, input: ["ms": 60_000]) }
            ?? ToolCallRequest(toolID: first.id, input: .emptyObject)
        let call = Task { () -> ToolError? in
            do { _ = try await adapter.run(request); return nil } catch { return error as? ToolError }
        }
        try? await Task.sleep(for: .milliseconds(50))
        call.cancel()
        switch await call.value {
        case nil: record("cancel", true, "\(request.toolID) finished before the cancel took effect")
        case let error? where error.kind == .canceled: record("cancel", true, "\(request.toolID) ended canceled")
        case let error?: record("cancel", false, "\(request.toolID) → \(excerpt(error.description))")
        }

        await adapter.shutdown()
        let failures = adapter.counts.helperFailures - failuresBefore
        record("shutdown", failures == 0, failures == 0 ? "the helper destroyed the instance and exited"
               : "the helper crashed or had to be killed \(failures) time(s); see the lines above")
        return passed
    }

    private static func excerpt(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
