import Foundation

/// The `api` suite's loaded run: `switchyard serve` as a process of its own, driven by `wrk`
/// (16 keep-alive connections, 2 client threads) with trivial sync workflow executions for a
/// fixed time; 10 s by default, `SWITCHYARD_BENCH_API_SOAK_S` seconds for a soak (300 for the
/// 5-minute one). A non-200 answer is counted, never fatal.
///
/// The server runs apart so that `rss_growth_mb` is the server's own resident memory, and the
/// client is `wrk` (C, epoll) so that on a 2-core machine it takes as little of the CPU the
/// server needs as possible; `load_client_cpu_share` says how much it took.
enum APILoad {
    static let connections = 16

    /// - Parameter project: a project directory whose workflow `wf` takes `{text}`.
    /// - Returns: `sync_rps`, `sync_p50_ms`, `sync_p99_ms`, `spurious_timeouts` (408s),
    ///   `sync_non_200` (other statuses and socket errors), `rss_growth_mb` (server RSS after
    ///   the run minus after the warm-up), `load_client_cpu_share` (wrk's CPU time ÷ wrk's plus the
    ///   server's), `load_server_cpu_cores`; empty (with a note on stderr) without `wrk` or
    ///   without the `switchyard` executable beside the bench.
    static func run(project: String, binDirectory: String) async throws -> [String: Double] {
        let serveExecutable = binDirectory + "/switchyard"
        guard let wrk = executableInPath("wrk") else {
            note("wrk is not installed (Debian: apt-get install wrk); loaded api figures skipped")
            return [:]
        }
        guard FileManager.default.isExecutableFile(atPath: serveExecutable) else {
            note("\(serveExecutable) is missing (swift build -c release --product switchyard); loaded api figures skipped")
            return [:]
        }
        let seconds = ProcessInfo.processInfo.environment["SWITCHYARD_BENCH_API_SOAK_S"].flatMap(Int.init) ?? 10
        let script = project + "/sync-load.lua"
        try luaScript.write(toFile: script, atomically: true, encoding: .utf8)
        let server = try ServeProcess(executable: serveExecutable, project: project)
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/api/v0/workflows/wf/executions/sync"
        _ = try runWrk(wrk, script: script, url: url, seconds: 2)  // warm-up: caches, pages, arenas
        let rssBefore = server.residentBytes()
        let serverCPUBefore = server.cpuSeconds()
        let clientCPUBefore = childrenCPUSeconds()
        let counts = try runWrk(wrk, script: script, url: url, seconds: seconds)
        let clientCPU = childrenCPUSeconds() - clientCPUBefore
        let serverCPU = server.cpuSeconds() - serverCPUBefore
        let rssGrowth = Double(server.residentBytes() - rssBefore) / 1_048_576
        let elapsed = max(counts["duration_us"] ?? 0, 1) / 1e6
        let total = (counts["ok"] ?? 0) + (counts["timeouts"] ?? 0) + (counts["other"] ?? 0)
        return [
            "sync_rps": total / elapsed,
            "sync_p50_ms": (counts["p50_us"] ?? .nan) / 1000,
            "sync_p99_ms": (counts["p99_us"] ?? .nan) / 1000,
            "spurious_timeouts": counts["timeouts"] ?? .nan,
            "sync_non_200": (counts["other"] ?? 0) + (counts["errors"] ?? 0),
            "rss_growth_mb": rssGrowth,
            "load_client_cpu_share": clientCPU / max(clientCPU + serverCPU, 1e-9),
            "load_server_cpu_cores": serverCPU / elapsed,
        ]
    }

    /// Runs wrk and reads the `RESULT key=value ...` line its script prints.
    static func runWrk(_ wrk: String, script: String, url: String, seconds: Int) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        // A generous client timeout: a sync answer slower than the server's own 60 s is a 408, not a socket error.
        process.arguments = ["-t2", "-c\(connections)", "-d\(seconds)s", "--timeout", "70s", "-s", script, url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RESULT ") }) else {
            throw BenchFailure("wrk printed no RESULT line (exit \(process.terminationStatus)): \(text.prefix(400))")
        }
        var counts: [String: Double] = [:]
        for pair in line.split(separator: " ").dropFirst() {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { counts[String(parts[0])] = value }
        }
        return counts
    }

    /// CPU seconds (user + system) of the children this process has reaped: wrk's, once it exited.
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func executableInPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func note(_ text: String) { FileHandle.standardError.write(Data("bench: api: \(text)\n".utf8)) }

    /// Counts answers by status per wrk thread and sums them at the end (wrk's `done` sees the
    /// threads through `setup`).
    static let luaScript = """
        wrk.method = "POST"
        wrk.body = '{"input":{"text":"load"}}'
        wrk.headers["Content-Type"] = "application/json"
        local threads = {}
        function setup(thread) table.insert(threads, thread) end
        function init(args) ok = 0; timeouts = 0; other = 0 end
        function response(status, headers, body)
          if status == 200 then ok = ok + 1 elseif status == 408 then timeouts = timeouts + 1 else other = other + 1 end
        end
        function done(summary, latency, requests)
          local o, t, x = 0, 0, 0
          for _, th in ipairs(threads) do o = o + th:get("ok"); t = t + th:get("timeouts"); x = x + th:get("other") end
          local e = summary.errors
          io.write(string.format("RESULT ok=%d timeouts=%d other=%d errors=%d p50_us=%d p99_us=%d duration_us=%d\\n",
            o, t, x, e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99),
            summary.duration))
        end
        """
}

/// `switchyard serve --port 0` on a project, with its bound port read from its start-up line.
final class ServeProcess {
    let process = Process()
    let port: Int

    /// - Parameter options: more `serve` options (a store, lease timings, limits).
    init(executable: String, project: String, options: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--project", project, "--port", "0"] + options
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // "switchyard: serving project "NAME" on http://127.0.0.1:PORT/api/v0"
        var seen = Data()
        while true {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchFailure("switchyard serve exited before listening: \(String(decoding: seen, as: UTF8.self))") }
            seen.append(chunk)
            let text = String(decoding: seen, as: UTF8.self)
            if let range = text.range(of: "http://127.0.0.1:"),
               let end = text[range.upperBound...].firstIndex(of: "/"), let port = Int(text[range.upperBound..<end]) {
                self.port = port
                break
            }
        }
        // Keep draining stderr (failed tool calls print there) so the server never blocks on a full pipe.
        let handle = errors.fileHandleForReading
        Thread.detachNewThread { while !handle.availableData.isEmpty {} }
    }

    /// `VmRSS` of the server process.
    func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }

    /// User + system CPU seconds of the server so far (/proc/PID/stat fields 14 and 15).
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// A bench step that could not produce its figure.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
