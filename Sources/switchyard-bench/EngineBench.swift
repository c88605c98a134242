import Foundation
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime

/// The `engine` suite: what the engine adds per task on top of the tool call itself.
enum EngineBench {
    /// Items in the measured collection.
    static let itemCount = 1000

    /// Measures `tool_call_us` (one bare call through the adapter protocol, mean of
    /// `itemCount` sequential calls), `task_overhead_us` (wall time per task of an
    /// `itemCount`-item collection in its default parallel mode over the same tool, with a SQLite
    /// checkpoint per task, minus the bare call) and `task_overhead_sequential_us` (the same
    /// collection in sequential mode: every checkpoint committed alone before the next task) and
    /// `templated_task_overhead_us` (the parallel collection with templated `with` and `outputs:`).
    /// - Parameters:
    ///   - adapters: adapters by key; the one whose `describe()` lists `toolID` serves it.
    ///   - toolID: the tool each task calls.
    ///   - input: the tool input.
    static func run(adapters: [String: any ToolAdapter], toolID: String,
                    input: JSONValue = .emptyObject) async throws -> [String: Double] {
        var adapterKey: String?
        for (key, adapter) in adapters.sorted(by: { $0.key < $1.key }) {
            if (try? await adapter.describe())?.contains(where: { $0.id == toolID }) == true { adapterKey = key; break }
        }
        guard let adapterKey, let adapter = adapters[adapterKey] else {
            throw ToolError(.notFound, "no adapter offers tool \"\(toolID)\"", toolID: toolID)
        }
        let request = ToolCallRequest(toolID: toolID, input: input)
        for _ in 0..<50 { _ = try await adapter.run(request) }  // warm-up
        let clock = ContinuousClock()
        let bare = try await clock.measure {
            for _ in 0..<itemCount { _ = try await adapter.run(request) }
        }
        let toolCallMicros = bare.seconds * 1e6 / Double(itemCount)

        let directory = NSTemporaryDirectory() + "switchyard-engine-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let adapterLine = adapterKey == "runtime" ? "" : "\n    adapter: \(adapterKey)"
        let adapterEntry = ["runtime", "ffi"].contains(adapterKey)
            ? "" : "\nadapters:\n  - id: \(adapterKey)\n    library: \(adapterKey)"
        try """
            name: engine-bench
            workflows:
              - source: bench.yaml
              - source: bench_sequential.yaml
              - source: bench_one.yaml
              - source: bench_templated.yaml
            tools:
              - id: \(toolID)\(adapterLine)\(adapterEntry)
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        for (id, mode) in [("bench", "parallel"), ("bench_sequential", "sequential")] {
            try """
                id: \(id)
                tasks:
                  - id: each
                    type: collection
                    mode: \(mode)
                    items: "{{ .workflow.input.items }}"
                    task:
                      id: "item-{{ .index }}"
                      tool: \(toolID)
                      with: \(input.jsonString)
                """.write(toFile: directory + "/\(id).yaml", atomically: true, encoding: .utf8)
        }
        // The same collection with compozy-style templates in every child (sprig functions,
        // `.parent`, the item variable) and a child `outputs:`: what templates add per task.
        try """
            id: bench_templated
            tasks:
              - id: each
                type: collection
                items: "{{ .workflow.input.items }}"
                item_var: n
                with: {label: batch}
                task:
                  id: "item-{{ .index }}"
                  tool: \(toolID)
                  with:
                    text: '{{ printf "%s-%d" (.parent.input.label | upper) .n }}'
                    when: '{{ .workflow.input.stamp | default "none" | lower }}'
                    many: '{{ list .n .index | join "," }}'
                  outputs:
                    size: "{{ .output | toJson | len }}"
            """.write(toFile: directory + "/bench_templated.yaml", atomically: true, encoding: .utf8)
        try """
            id: bench_one
            tasks:
              - id: only
                tool: \(toolID)
                with: \(input.jsonString)
            """.write(toFile: directory + "/bench_one.yaml", atomically: true, encoding: .utf8)
        let project = try ProjectLoader.load(directory: directory)
        let store = try SQLiteExecutionStore(path: directory + "/.switchyard/state.sqlite")
        let engine = WorkflowEngine(project: project, adapters: adapters, store: store)
        let items = JSONValue.array((0..<itemCount).map { .int(Int64($0)) })
        var figures = ["tool_call_us": toolCallMicros]
        for (workflowID, figure) in [("bench", "task_overhead_us"), ("bench_sequential", "task_overhead_sequential_us"),
                                     ("bench_templated", "templated_task_overhead_us")] {
            figures[figure] = try await overhead(engine: engine, workflowID: workflowID, items: items,
                                                 toolCallMicros: toolCallMicros)
        }
        figures["claim_to_start_ms"] = try await StoreBench.claimToStartMillis(project: project, adapters: adapters, store: store)
        figures.merge(try await StoreBench.postgresFigures(project: project, adapters: adapters, items: items,
                                                           toolCallMicros: toolCallMicros)) { $1 }
        figures.merge(try await ObservedEngineBench.measure(engine: engine, items: items,
                                                            toolCallMicros: toolCallMicros)) { $1 }
        return figures
    }
}

extension EngineBench {
    /// µs per task of `workflowID` over `items` beyond the bare tool call, after a 20-item warm-up.
    static func overhead(engine: WorkflowEngine, workflowID: String, items: JSONValue,
                         toolCallMicros: Double) async throws -> Double {
        let count = items.arrayValue?.count ?? 0
        _ = try await engine.run(workflowID: workflowID, input: ["items": .array(Array(items.arrayValue!.prefix(20)))])
        var result: WorkflowResult?
        let whole = try await ContinuousClock().measure {
            result = try await engine.run(workflowID: workflowID, input: ["items": items])
        }
        guard result?.status == .success else {
            throw ToolError(.toolError, "the bench workflow \(workflowID) ended \(result?.status.rawValue ?? "?"): "
                            + (result?.error?.jsonString ?? ""), toolID: workflowID)
        }
        return whole.seconds * 1e6 / Double(count) - toolCallMicros
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, atto) = components
        return Double(whole) + Double(atto) / 1e18
    }
}
