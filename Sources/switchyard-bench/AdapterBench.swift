import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardAdapterHost

/// `tool_call_ns`: a whole textkit `upper` call through `LibraryAdapter.run` — request
/// serialization, `start_call` through libffi (on a hook thread, the default), the frame decoded
/// on the way back, release. `tool_call_inline_ns`: the same call with `start_call` on the
/// calling thread (`isolation: inline`). The two alternate batch by batch, so load hits both.
enum AdapterBench {
    /// Runs the benchmark against the `libtextkit.so` in `binDirectory`.
    /// - Returns: `["tool_call_ns": …, "tool_call_inline_ns": …]`, median nanoseconds per call.
    /// - Throws: `ToolError` when textkit cannot be loaded or a call fails.
    static func run(binDirectory: String) async throws -> [String: Double] {
        let library = try AdapterLibrary.load(binDirectory + "/libtextkit.so")
        let onHookThread = try LibraryAdapter(id: "textkit", library: library)
        let inline = try LibraryAdapter(id: "textkit-inline", library: library,
                                        options: AdapterCallOptions(startsCallsInline: true))
        let request = ToolCallRequest(toolID: "upper", input: ["text": "hello, switchyard"])
        let expected: JSONValue = ["text": "HELLO, SWITCHYARD"]
        for adapter in [onHookThread, inline] {
            for _ in 0..<2_000 {
                guard try await adapter.run(request) == expected else {
                    throw ToolError(.protocol, "textkit upper answered unexpectedly", toolID: "upper")
                }
            }
        }
        var hookThreadPerCall: [Double] = []
        var inlinePerCall: [Double] = []
        for _ in 0..<40 {
            hookThreadPerCall.append(try await nanosecondsPerCall(onHookThread, request))
            inlinePerCall.append(try await nanosecondsPerCall(inline, request))
        }
        await onHookThread.shutdown()
        await inline.shutdown()
        return ["tool_call_ns": median(hookThreadPerCall), "tool_call_inline_ns": median(inlinePerCall)]
    }

    /// One batch of calls of `request`, in nanoseconds per call: a single call is too short for
    /// the clock to time alone.
    static func nanosecondsPerCall(_ adapter: LibraryAdapter, _ request: ToolCallRequest) async throws -> Double {
        let batchSize = 500
        let start = ContinuousClock.now
        for _ in 0..<batchSize { _ = try await adapter.run(request) }
        let elapsed = (ContinuousClock.now - start).components
        return (Double(elapsed.seconds) * 1e9 + Double(elapsed.attoseconds) / 1e9) / Double(batchSize)
    }

    /// The middle value of `values` (the upper one of an even count).
    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
