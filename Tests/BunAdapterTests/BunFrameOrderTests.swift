import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardAdapterHost
import Testing

/// A pooled call thread writes its short frames to stdout itself and hands long ones to the main
/// thread (js/worker.mjs): each call's frames still arrive whole and in order.
extension BunAdapterTests {
    /// The events of one call, logs left out.
    func events(_ adapter: LibraryAdapter, _ tool: String, _ input: JSONValue) async throws -> [ToolEvent] {
        var events: [ToolEvent] = []
        for try await event in adapter.call(ToolCallRequest(toolID: tool, input: input)) {
            if case .log = event { continue }
            events.append(event)
        }
        return events
    }

    /// Each event as its kind and payload length (the payloads run to 100 KB).
    static func shape(_ events: [ToolEvent]) -> [String] {
        events.map { event in
            switch event {
            case .progress(let value): "progress \(value.objectValue?["pad"]?.stringValue?.count ?? -1)"
            case .result(let value): "result \(value.objectValue?["pad"]?.stringValue?.count ?? -1)"
            default: "\(event)"
            }
        }
    }

    @Test("pooled: short and long frames of concurrent calls keep each call's order",
          .timeLimit(.minutes(2)))
    func mixedFrameSizes() async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "pooled", entrypoint: "frames.js")
        let shapes: [(progress: [Int], result: Int)] = [
            ([10, 9_000, 10, 20_000, 5], 10), ([5_000, 10, 10], 9_000), ([10, 10, 10], 100_000), ([], 3),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                let shape = shapes[index % shapes.count]
                group.addTask {
                    let input: JSONValue = ["progress": .array(shape.progress.map { .int(Int64($0)) }),
                                            "result": .int(Int64(shape.result))]
                    let got = try await self.events(adapter, "mixed", input)
                    let expected = shape.progress.map { ToolEvent.progress(["pad": .string(String(repeating: "p", count: $0))]) }
                        + [.result(["pad": .string(String(repeating: "r", count: shape.result))])]
                    #expect(got == expected, "call \(index): \(Self.shape(got)), expected \(Self.shape(expected))")
                }
            }
            try await group.waitForAll()
        }
        await adapter.shutdown()
        await expectBackTo(base)
    }

    @Test("pooled: progress a tool reports after its result reaches nobody", .timeLimit(.minutes(1)))
    func lateProgress() async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "pooled", entrypoint: "frames.js", extra: ["workers": 1])
        #expect(try await events(adapter, "late", .emptyObject) == [.result(["early": true])])
        let next: JSONValue = ["progress": [], "result": 2, "delay": 200]
        #expect(try await events(adapter, "mixed", next) == [.result(["pad": "rr"])])
        await adapter.shutdown()
        await expectBackTo(base)
    }
}
