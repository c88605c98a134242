import SwitchyardJSON
import SwitchyardAdapterHost
import SwitchyardRuntime
import Synchronization
import Testing

extension AdapterHostTests {
    @Suite struct LifecycleTests {
        /// 500 calls from 50 tasks at once, a tenth of them canceled from another task: every
        /// call ends exactly once, and threads and descriptors return to their baseline.
        @Test func manyConcurrentCallsEachEndOnce() async throws {
            let adapter = try TestLibraries.textKit(AdapterCallOptions(cancelGrace: .seconds(5)))
            // Warm up every path the test takes, so lazily created runtime threads and timer
            // descriptors (libdispatch makes its timerfds on first use) are in the baseline.
            _ = try await adapter.run(ToolCallRequest(toolID: "sleep", input: ["ms": 1]))
            let warmUp = Task { await Result.of(adapter, ToolCallRequest(toolID: "sleep", input: ["ms": 30_000])) }
            try await Task.sleep(for: .milliseconds(10))
            warmUp.cancel()
            _ = await warmUp.value
            let threads = ProcessCounts.threads
            let descriptors = ProcessCounts.descriptors

            let outcomes = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<50 {
                    group.addTask {
                        for index in 0..<10 {
                            let request: ToolCallRequest
                            switch index % 3 {
                            case 0: request = ToolCallRequest(toolID: "upper", input: ["text": .string("w\(worker)-\(index)")])
                            case 1: request = ToolCallRequest(toolID: "count_to", input: ["n": 5])
                            default: request = ToolCallRequest(toolID: "sleep", input: ["ms": 2])
                            }
                            var ends = 0
                            var outputs: [JSONValue] = []
                            do {
                                for try await event in adapter.call(request) {
                                    if case .result(let output) = event { outputs.append(output); ends += 1 }
                                }
                            } catch {
                                ends += 1
                                outcomes.counts.withLock { $0["error", default: 0] += 1 }
                            }
                            if ends == 1, let output = outputs.first {
                                let expected: JSONValue = switch index % 3 {
                                case 0: ["text": .string("W\(worker)-\(index)")]
                                case 1: ["count": 5]
                                default: ["slept_ms": 2]
                                }
                                outcomes.counts.withLock { $0[output == expected ? "ok" : "wrong", default: 0] += 1 }
                            }
                            #expect(ends == 1)
                        }
                    }
                }
                for _ in 0..<50 {
                    group.addTask {
                        let consumer = Task { await Result.of(adapter, ToolCallRequest(toolID: "sleep", input: ["ms": 30_000])) }
                        try await Task.sleep(for: .milliseconds(10))
                        consumer.cancel()
                        let outcome = await consumer.value
                        outcomes.counts.withLock { $0[outcome.error?.kind == .canceled ? "canceled" : "not canceled", default: 0] += 1 }
                    }
                }
                try await group.waitForAll()
            }
            #expect(outcomes.counts.withLock { $0 } == ["ok": 500, "canceled": 50])
            let counts = adapter.callCounts
            #expect(counts.started == 552 && counts.retired == 552 && counts.abandoned == 0)
            await adapter.shutdown()
            #expect(await ProcessCounts.settle({ ProcessCounts.threads }, to: threads) <= threads)
            let descriptorsAfter = await ProcessCounts.settle({ ProcessCounts.descriptors }, to: descriptors)
            #expect(descriptorsAfter <= descriptors, "descriptors: \(ProcessCounts.descriptorTargets)")
        }

        @Test func theConformanceCheckPassesTextKitAndFailsBrokenLibraries() async throws {
            var lines: [String] = []
            let conformant = await AdapterConformanceCheck().run(libraryPath: try TestLibraries.textKitPlainCC()) { lines.append($0.line) }
            #expect(conformant)
            #expect(lines.first?.hasPrefix("ok load ") == true)
            #expect(lines.contains { $0.hasPrefix("ok handshake ABI 1.1") })
            #expect(lines.contains("ok cancel sleep ended canceled"))
            #expect(lines.last == "ok destroy instance destroyed")

            var broken: [String] = []
            let mismatch = await AdapterConformanceCheck().run(libraryPath: try TestLibraries.fixture("abi_major_mismatch")) { broken.append($0.line) }
            #expect(!mismatch)
            #expect(broken.first?.hasPrefix("FAIL handshake") == true)
        }
    }
}

/// Outcome counts shared by the tasks of a test.
final class Tally: Sendable {
    let counts = Mutex<[String: Int]>([:])
}
