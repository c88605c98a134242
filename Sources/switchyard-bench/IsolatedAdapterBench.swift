import SwitchyardIsolation
import SwitchyardJSON
import SwitchyardRuntime

/// `isolated_tool_call_us`: the same textkit `upper` call as `tool_call_ns`, with textkit loaded
/// by a `switchyard-adapter-helper` process (`isolation: process`): request frame over a pipe,
/// the call in the helper, the result frame back, decoded into the same event stream.
enum IsolatedAdapterBench {
    /// Runs the benchmark against `libtextkit.so` and the helper in `binDirectory`.
    /// - Returns: `["isolated_tool_call_us": median microseconds per call]`.
    /// - Throws: `ToolError` when the helper cannot start or a call fails.
    static func run(binDirectory: String) async throws -> [String: Double] {
        let adapter = try IsolatedAdapter(
            id: "textkit", libraryPath: binDirectory + "/libtextkit.so",
            options: IsolatedAdapterOptions(helperExecutable: binDirectory + "/" + HelperExecutable.name))
        let request = ToolCallRequest(toolID: "upper", input: ["text": "hello, switchyard"])
        let expected: JSONValue = ["text": "HELLO, SWITCHYARD"]
        for _ in 0..<2_000 {
            guard try await adapter.run(request) == expected else {
                throw ToolError(.protocol, "isolated textkit upper answered unexpectedly", toolID: "upper")
            }
        }
        // One call at a time, as tool_call_ns: the figure is the round trip, not throughput.
        let clock = ContinuousClock()
        var perCall: [Double] = []
        perCall.reserveCapacity(20_000)
        for _ in 0..<20_000 {
            let start = clock.now
            _ = try await adapter.run(request)
            let elapsed = (clock.now - start).components
            perCall.append(Double(elapsed.seconds) * 1e6 + Double(elapsed.attoseconds) / 1e12)
        }
        await adapter.shutdown()
        perCall.sort()
        return ["isolated_tool_call_us": perCall[perCall.count / 2]]
    }
}
