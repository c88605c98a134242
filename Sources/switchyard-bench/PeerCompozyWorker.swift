import Foundation
import Subprocess
import SwitchyardJSON

/// compozy's per-call Bun tool execution, done the way its v0 engine does it
/// (engine/runtime/bun_manager.go, compozy/compozy commit 1f337f2f0b3fd10d687a5b831491b5e27a506a5d):
/// the worker template written to `PROJECT/.compozy/bun_worker.ts` with the entrypoint
/// substituted (`./tools.ts` → `../tools.ts`, as `compileBunWorker` does), then per call a fresh
/// `bun --smol run --allow-net --allow-env --allow-read WORKER` in the project directory with
/// `COMPOZY_RUNTIME=worker` and `COMPOZY_PROJECT_ROOT` set, the request JSON written to stdin and
/// closed, stdout read to its end and parsed as `{result, error, metadata}`, the process awaited.
enum CompozyWorkerPeer {
    static let warmUpCalls = 3
    static let measuredCalls = 40

    /// - Returns: `compozy_bun_per_call_ms` (median wall time of one whole call) and
    ///   `compozy_bun_calls_per_s` (calls one after another, per second).
    static func run(bun: String, scripts: String, binDirectory: String) async throws -> [String: Double] {
        let project = binDirectory + "/compozy-peer-project-\(getpid())"
        try FileManager.default.createDirectory(atPath: project + "/.compozy", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: project) }
        try FileManager.default.copyItem(atPath: scripts + "/compozy/tools.ts", toPath: project + "/tools.ts")
        let template = try String(contentsOfFile: scripts + "/compozy/worker.tpl.ts", encoding: .utf8)
        let worker = project + "/.compozy/bun_worker.ts"
        try template.replacingOccurrences(of: "{{.EntrypointPath}}", with: "../tools.ts")
            .write(toFile: worker, atomically: true, encoding: .utf8)

        var perCall: [Double] = []
        for index in 0..<(warmUpCalls + measuredCalls) {
            let began = ContinuousClock.now
            try await call(bun: bun, worker: worker, project: project, execID: "bench-\(index)")
            if index >= warmUpCalls { perCall.append(BunBench.milliseconds(ContinuousClock.now - began)) }
        }
        return ["compozy_bun_per_call_ms": BunBench.median(perCall),
                "compozy_bun_calls_per_s": 1000 / (perCall.reduce(0, +) / Double(perCall.count))]
    }

    /// One tool call: `echo` of `{"x": 1}`, checked.
    private static func call(bun: String, worker: String, project: String, execID: String) async throws {
        // ToolExecuteParams as bun_manager.go marshals it (the worker reads tool_id, tool_exec_id,
        // input, env, timeout_ms).
        let request: JSONValue = ["tool_id": "echo", "tool_exec_id": .string(execID), "input": ["x": 1],
                                  "config": .null, "env": .emptyObject, "timeout_ms": 60000]
        let result = try await Subprocess.run(
            .path(.init(bun)), arguments: ["--smol", "run", "--allow-net", "--allow-env", "--allow-read", worker],
            environment: .inherit.updating(["COMPOZY_RUNTIME": "worker", "COMPOZY_PROJECT_ROOT": project]),
            workingDirectory: .init(project), input: .string(request.jsonString),
            output: .string(limit: 10 << 20), error: .string(limit: 1 << 20))
        let stdout = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.terminationStatus.isSuccess, let response = try? JSONValue(parsing: Array(stdout.utf8)),
              response["error"]?.isNull == true, response["result"] == ["x": 1] else {
            throw PeerError("compozy worker call \(execID) ended \(result.terminationStatus): stdout \(stdout.prefix(300)) "
                            + "stderr \(result.standardError.prefix(300))")
        }
    }
}
