import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardAdapterHost

/// `tool_call_ns`: a whole textkit `upper` call through `LibraryAdapter.run` — request
/// serialization, `start_call` through libffi, the frame decoded on the way back, release.
enum AdapterBench {
    /// Runs the benchmark against the `libtextkit.so` in `binDirectory`.
    /// - Returns: `["tool_call_ns": median nanoseconds per call]`.
    /// - Throws: `ToolError` when textkit cannot be loaded or a call fails.
    static func run(binDirectory: String) async throws -> [String: Double] {
        let library = try AdapterLibrary.load(binDirectory + "/libtextkit.so")
        let adapter = try LibraryAdapter(id: "textkit", library: library)
        let request = ToolCallRequest(toolID: "upper", input: ["text": "hello, switchyard"])
        let expected: JSONValue = ["text": "HELLO, SWITCHYARD"]
        for _ in 0..<2_000 {
            guard try await adapter.run(request) == expected else {
                throw ToolError(.protocol, "textkit upper answered unexpectedly", toolID: "upper")
            }
        }
        // Batches rather than single calls: one call is too short for the clock to time alone.
        let batchSize = 500
        let clock = ContinuousClock()
        var perCall: [Double] = []
        for _ in 0..<40 {
            let start = clock.now
            for _ in 0..<batchSize { _ = try await adapter.run(request) }
            let elapsed = (clock.now - start).components
            perCall.append((Double(elapsed.seconds) * 1e9 + Double(elapsed.attoseconds) / 1e9) / Double(batchSize))
        }
        await adapter.shutdown()
        perCall.sort()
        return ["tool_call_ns": perCall[perCall.count / 2]]
    }
}
