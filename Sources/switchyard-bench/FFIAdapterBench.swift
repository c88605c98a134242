import SwitchyardAdapterHost
import SwitchyardJSON
import SwitchyardRuntime

/// The declared-signature `ffi` adapter (`libswitchyard_ffi.so`) called through the whole
/// tool-call protocol, as a project's `adapter: ffi` tool is: `LibraryAdapter.run` serializes
/// the `{"args": [...]}` input, `start_call` goes through libffi, the adapter decodes the
/// arguments, makes the C call and emits `{"out": [], "value": ...}`, which the host decodes.
///
/// - `ffi_adapter_cos_ns`: `cos(0.5)` from libm (`[f64] -> f64`).
/// - `ffi_adapter_strlen_ns`: `strlen("hello, switchyard")` from libc (`[cstring] -> usize`).
/// - `ffi_adapter_crc32_1k_ns`: zlib's `crc32(0, buffer, 1024)` over a 1 KiB string
///   (`[u64, buffer, u32] -> u64`).
/// - `ffi_adapter_call_ns`: the worse of cos and strlen (the scalar-call figure the goal names).
/// - `ffi_adapter_call_hook_thread_ns`: cos with `start_call` handed to a hook thread (the
///   default of an adapter that may block) instead of run inline, for comparison.
///
/// The adapter is created with the options `ProjectAdapters` gives the ffi adapter. Every figure
/// is the median of 40 batches of 500 calls, the functions alternating batch by batch so that
/// load on the machine hits them alike.
enum FFIAdapterBench {
    /// The three tools, as `ProjectAdapters` hands them to the adapter.
    static let config: JSONValue = [
        "tools": [
            ["id": "cos", "ffi": ["library": "libm.so.6", "symbol": "cos", "parameters": ["f64"], "result": "f64"]],
            ["id": "strlen", "ffi": ["library": "libc.so.6", "symbol": "strlen", "parameters": ["cstring"], "result": "usize"]],
            ["id": "crc32", "ffi": ["library": "libz.so.1", "symbol": "crc32", "parameters": ["u64", "buffer", "u32"], "result": "u64"]],
        ],
    ]

    /// One measured call: the request and the output it must answer.
    struct Case {
        var figure: String
        var request: ToolCallRequest
        var expected: JSONValue
    }

    /// A 1 KiB ASCII text with no character JSON escapes.
    static let kibibyte = String(repeating: "switchyard ffi!.", count: 64)

    static let cases: [Case] = [
        Case(figure: "ffi_adapter_cos_ns", request: ToolCallRequest(toolID: "cos", input: ["args": [0.5]]),
             expected: ["value": .double(0.8775825618903728), "out": []]),
        Case(figure: "ffi_adapter_strlen_ns",
             request: ToolCallRequest(toolID: "strlen", input: ["args": ["hello, switchyard"]]),
             expected: ["value": 17, "out": []]),
        Case(figure: "ffi_adapter_crc32_1k_ns",
             request: ToolCallRequest(toolID: "crc32", input: ["args": [0, .string(kibibyte), 1024]]),
             expected: ["value": .int(Int64(zlibCRC32(kibibyte))), "out": []]),
    ]

    /// Runs the benchmark against the `libswitchyard_ffi.so` in `binDirectory`.
    /// - Returns: the figures above, median nanoseconds per call.
    /// - Throws: `ToolError` when the adapter cannot be loaded or a call answers wrongly.
    static func run(binDirectory: String) async throws -> [String: Double] {
        let library = try AdapterLibrary.load(binDirectory + "/libswitchyard_ffi.so")
        let adapter = try LibraryAdapter(id: "ffi", library: library, config: config,
                                         options: AdapterCallOptions(startsCallsInline: true))
        let onHookThread = try LibraryAdapter(id: "ffi-hook-thread", library: library, config: config)
        let measured = cases.map { ($0, adapter) } + [(cases[0], onHookThread)]
        for (item, adapter) in measured {
            for _ in 0..<2_000 {
                let output = try await adapter.run(item.request)
                guard output == item.expected else {
                    throw ToolError(.protocol, "ffi \(item.request.toolID) answered \(output), expected \(item.expected)",
                                    toolID: item.request.toolID)
                }
            }
        }
        var perCall = Array(repeating: [Double](), count: measured.count)
        for _ in 0..<40 {
            for (index, (item, adapter)) in measured.enumerated() {
                perCall[index].append(try await AdapterBench.nanosecondsPerCall(adapter, item.request))
            }
        }
        await adapter.shutdown()
        await onHookThread.shutdown()
        var figures: [String: Double] = [:]
        for (index, item) in cases.enumerated() { figures[item.figure] = AdapterBench.median(perCall[index]) }
        figures["ffi_adapter_call_ns"] = max(figures["ffi_adapter_cos_ns"]!, figures["ffi_adapter_strlen_ns"]!)
        figures["ffi_adapter_call_hook_thread_ns"] = AdapterBench.median(perCall[cases.count])
        return figures
    }

    /// The CRC-32 zlib computes (reflected polynomial 0xEDB88320), to check the adapter's answer.
    private static func zlibCRC32(_ text: String) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in text.utf8 {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
