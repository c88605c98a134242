import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardJSON

/// The `scaleout` suite (docs/SCALE-OUT.md): the same 300 executions through 1, 2 and 3 real
/// `switchyard serve` processes on one Postgres database, each process holding at most
/// `maxExecutions` at once; executions submitted round-robin, started where there is room and
/// claimed by any process with room otherwise. Needs the release `switchyard` beside the bench
/// (`swift build -c release`) and a Postgres server (`StoreBench.postgresURL`).
enum ScaleOutBench {
    static let executions = 300
    /// Held at once per process: the capacity that more processes add.
    static let maxExecutions = 10
    /// Each execution: four Bun tool steps of this many milliseconds (pooled workers).
    static let stepMilliseconds = 20

    /// `scaleout_1_per_s`, `scaleout_2_per_s`, `scaleout_3_per_s` (executions finished per
    /// second, from the first submission to the last end), `speedup_3_vs_1`, and
    /// `scaleout_N_cpu_busy`: the share of the whole machine's CPU busy meanwhile (1 = saturated).
    static func run(binDirectory: String) async throws -> [String: Double] {
        guard let url = StoreBench.postgresURL else {
            FileHandle.standardError.write(Data("scaleout: no Postgres (set SWITCHYARD_BENCH_POSTGRES_URL or run under scripts/with-postgres.sh): skipped\n".utf8))
            return [:]
        }
        let binary = binDirectory + "/switchyard"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchFailure("scaleout: \(binary) is missing (build every product: swift build -c release)")
        }
        let directory = try project()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var figures: [String: Double] = [:]
        for count in 1...3 {
            let before = MachineCPU.now()
            figures["scaleout_\(count)_per_s"] = try await throughput(processes: count, binary: binary,
                                                                       directory: directory, store: url)
            figures["scaleout_\(count)_cpu_busy"] = MachineCPU.now().busyShare(since: before)
        }
        figures["speedup_3_vs_1"] = figures["scaleout_3_per_s"]! / figures["scaleout_1_per_s"]!
        return figures
    }

    /// Executions per second through `count` processes: starts offered round-robin, a full
    /// process passing the start on to the next, then every end awaited.
    private static func throughput(processes count: Int, binary: String, directory: String, store: String) async throws -> Double {
        let options = ["--store", store, "--max-executions", "\(maxExecutions)", "--lease-renew", "200ms",
                       "--lease-ttl", "5s", "--stop-grace", "1s"]
        let servers = try (0..<count).map { _ in try ServeProcess(executable: binary, project: directory, options: options) }
        defer { for server in servers { server.stop() } }
        let markers = directory + "/markers-\(count)"
        try FileManager.default.createDirectory(atPath: markers, withIntermediateDirectories: true)
        let input: JSONValue = ["input": ["dir": .string(markers), "ms": .int(Int64(stepMilliseconds))]]
        let began = ContinuousClock.now
        var ids: [String] = []
        var next = 0
        while ids.count < executions {
            // A full server answers 503 (--max-executions): offer the start to the next one.
            let (status, envelope) = try await servers[next % count].post("/api/v0/workflows/wf/executions", input)
            next += 1
            if status == 503 {
                if next % count == 0 { try await Task.sleep(for: .milliseconds(2)) }
                continue
            }
            guard status == 202, let id = envelope["data"]?["exec_id"]?.stringValue else {
                throw BenchFailure("scaleout: a start answered \(status): \(envelope.jsonString)")
            }
            ids.append(id)
        }
        for (index, id) in ids.enumerated() {
            let (status, envelope) = try await servers[index % count].post("/api/v0/executions/workflows/\(id)/wait",
                                                                          ["timeout": 120])
            guard status == 200, envelope["data"]?["workflow"]?["status"] == "SUCCESS" else {
                throw BenchFailure("scaleout: \(id) ended \(status): \(envelope.jsonString)")
            }
        }
        return Double(executions) / (ContinuousClock.now - began).seconds
    }

    /// The scale-out test fixture: four sleeping Bun steps, each appending to a marker file.
    private static func project() throws -> String {
        let directory = NSTemporaryDirectory() + "switchyard-scaleout-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            name: scaleout-bench
            workflows: [{source: wf.yaml}]
            runtime: {type: bun, entrypoint: ./tools.js}
            tools: [{id: step}]
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try """
            import { appendFileSync } from "node:fs";
            export async function step(input) {
              await new Promise((resume) => setTimeout(resume, Number(input.ms)));
              appendFileSync(input.file, `${input.label}\\n`);
              return { label: input.label };
            }
            """.write(toFile: directory + "/tools.js", atomically: true, encoding: .utf8)
        let labels = ["s1", "s2", "s3", "s4"]
        // Tasks chain by `on_success` (compozy runs the first task, then its transitions).
        let steps = labels.enumerated().map { index, label in
            let next = index + 1 < labels.count ? "\n    on_success: {next: \(labels[index + 1])}" : ""
            return """
              - id: \(label)
                tool: step
                with: {file: "{{ .workflow.input.dir }}/{{ .workflow.exec_id }}.log", label: \(label), ms: "{{ .workflow.input.ms }}"}
            """ + next
        }
        try (["id: wf", "tasks:"] + steps).joined(separator: "\n")
            .write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        return directory
    }
}

/// JSON requests to a `ServeProcess`.
extension ServeProcess {
    func post(_ path: String, _ body: JSONValue) async throws -> (Int, JSONValue) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body.jsonString))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(150))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONValue(parsing: bytes.readableBytesView)) ?? .null)
    }
}
