import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardAdapterHost

/// A 10 MiB tool output, timed two ways in the same run, alternated: the floor (a warm bare Bun
/// process producing the same JSON and writing it to a pipe that a trivial reader drains) and a
/// pooled Switchyard tool call returning it (dispatch, the worker, the pipe, the host's frame
/// and JSON decoding into a `JSONValue`). Also the pooled workers' peak memory (VmHWM).
enum BunDecodeBench {
    static let size = 10 << 20
    static let rounds = 9

    /// The floor script: for each line `N` on stdin, writes `{"data":"x…x"}` (N letters) and a
    /// newline to stdout, produced as the benchmark's `big` tool produces it.
    static let floorScript = """
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of Bun.stdin.stream()) {
      pending += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = pending.indexOf("\\n")) >= 0) {
        const bytes = Number(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        const json = JSON.stringify({ data: "x".repeat(bytes) });
        await Bun.write(Bun.stdout, json + "\\n");
      }
    }
    """

    /// - Returns: `bun_pipe_10mib_ms` (the floor), `decode_10mib_ms` (the tool call),
    ///   `decode_10mib_time_ratio` (their medians' ratio), `worker_peak_mb` (the pooled workers'
    ///   largest VmHWM), `worker_rss_after_mb` (their largest VmRSS after the calls),
    ///   `bun_pipe_peak_mb` (the floor process's VmHWM, for comparison).
    static func run(bun: String, directory: String, pooled: LibraryAdapter) async throws -> [String: Double] {
        let script = directory + "/floor.mjs"
        try floorScript.write(toFile: script, atomically: true, encoding: .utf8)
        let floor = try FloorProcess(bun: bun, script: script, directory: directory)
        defer { floor.stop() }
        let request = ToolCallRequest(toolID: "big", input: ["bytes": .int(Int64(size))])
        // Warm both: the first large string grows each heap once.
        _ = try floor.produce(bytes: size)
        _ = try await pooled.run(request)
        var floorTimes: [Double] = []
        var callTimes: [Double] = []
        for _ in 0..<rounds {
            floorTimes.append(try floor.produce(bytes: size))
            let began = ContinuousClock.now
            let output = try await pooled.run(request)
            callTimes.append(BunBench.milliseconds(ContinuousClock.now - began))
            precondition(output["data"]?.stringValue?.utf8.count == size)
        }
        let workers = ChildProcesses.named("bun").filter { $0 != floor.processIdentifier }
        return [
            "bun_pipe_10mib_ms": BunBench.median(floorTimes),
            "decode_10mib_ms": BunBench.median(callTimes),
            "decode_10mib_time_ratio": BunBench.median(callTimes) / BunBench.median(floorTimes),
            "worker_peak_mb": Double(workers.map { ChildProcesses.statusKB($0, "VmHWM") }.max() ?? 0) / 1024,
            "worker_rss_after_mb": Double(workers.map { ChildProcesses.statusKB($0, "VmRSS") }.max() ?? 0) / 1024,
            "bun_pipe_peak_mb": Double(ChildProcesses.statusKB(floor.processIdentifier, "VmHWM")) / 1024,
        ]
    }
}

/// The warm bare Bun process of the floor, with its stdout read by the simplest loop: `read`
/// into one buffer until the whole answer is in.
final class FloorProcess {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    var processIdentifier: Int32 { process.processIdentifier }
    /// `F_SETPIPE_SZ`, which Glibc's module does not export.
    static let setPipeSize: Int32 = 1031

    init(bun: String, script: String, directory: String) throws {
        process.executableURL = URL(fileURLWithPath: bun)
        process.arguments = [script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = input
        process.standardOutput = output
        // The same pipe capacity the adapter gives its workers' stdout.
        _ = fcntl(output.fileHandleForWriting.fileDescriptor, Self.setPipeSize, 1 << 20)
        try process.run()
    }

    /// Asks for `bytes` letters and reads the answer. - Returns: the milliseconds it took.
    func produce(bytes: Int) throws -> Double {
        let expected = bytes + #"{"data":""}"#.utf8.count + 1
        let began = ContinuousClock.now
        input.fileHandleForWriting.write(Data("\(bytes)\n".utf8))
        var received = 0
        let fd = output.fileHandleForReading.fileDescriptor
        while received < expected {
            let count = read(fd, buffer.baseAddress, buffer.count)
            guard count > 0 else { throw CocoaError(.fileReadUnknown) }
            received += count
        }
        return BunBench.milliseconds(ContinuousClock.now - began)
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        buffer.deallocate()
    }
}

/// This process's children, read from /proc.
enum ChildProcesses {
    /// The pids of the children whose command name is `name`.
    static func named(_ name: String) -> [Int32] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return nil }
            let command = stat[stat.index(after: open)..<close]
            // After the command: state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard command == name, fields.count > 1, Int32(fields[1]) == me else { return nil }
            return pid
        }
    }

    /// A `/proc/PID/status` field in KiB (0 when unreadable); `process` is a pid or `self`.
    static func statusKB(_ process: some CustomStringConvertible, _ field: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
    }
}
