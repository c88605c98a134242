import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardServer

/// The `api` suite: the HTTP API in this process on loopback, over a one-task project whose task
/// calls the textkit C plugin (so the figures are the API's and the engine's, not a tool's).
enum APIBench {
    static let rounds = 300

    /// - Returns: `sync_without_state_ms` (`POST /tasks/{id}/executions/sync`, client-observed,
    ///   median), `sync_with_state_ms` (the same with `?include=state`, which reads the store),
    ///   `workflow_sync_ms` (`POST /workflows/{id}/executions/sync`), and
    ///   `completion_to_response_ms` (from the end of the task to the whole response in the
    ///   client's hands, median); then the loaded figures of ``APILoad``.
    static func run(adapters: [String: any ToolAdapter]) async throws -> [String: Double] {
        let directory = NSTemporaryDirectory() + "switchyard-api-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
            name: api-bench
            workflows: [{source: wf.yaml}]
            adapters: [{id: textkit, library: textkit}]
            tools: [{id: upper, adapter: textkit}]
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try """
            id: wf
            tasks:
              - {id: shout, tool: upper, with: {text: "{{ .workflow.input.text }}"}}
            """.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        let engine = WorkflowEngine(project: try ProjectLoader.load(directory: directory), adapters: adapters,
                                    store: try SQLiteExecutionStore(path: directory + "/state.sqlite"))
        let finished = Mutex<[String: ContinuousClock.Instant]>([:])
        let server = APIServer(engine: engine, port: 0) { event in
            if case .taskFinished(let execID, _, _, _, _) = event {
                let now = ContinuousClock.now
                finished.withLock { $0[execID] = now }
            }
        }
        let port = PortBox()
        let serving = Task { try await server.run { await port.set($0) } }
        defer { serving.cancel() }
        let base = "http://127.0.0.1:\(await port.value())/api/v0"

        func post(_ path: String, _ body: JSONValue) async throws -> (JSONValue, ContinuousClock.Instant) {
            var request = HTTPClientRequest(url: base + path)
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: body.jsonString))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            let received = ContinuousClock.now
            let envelope = try JSONValue(parsing: bytes.readableBytesView)
            guard response.status.code == 200, envelope["data"]?["status"] == "SUCCESS"
                    || envelope["data"]?["workflow"]?["status"] == "SUCCESS" else {
                throw ToolError(.protocol, "api bench: \(path) answered \(response.status.code): \(envelope.jsonString)")
            }
            return (envelope, received)
        }

        let body: JSONValue = ["with": ["text": "over http"]]
        for _ in 0..<30 { _ = try await post("/tasks/shout/executions/sync", body) }  // warm-up
        var without: [Double] = [], with: [Double] = [], workflow: [Double] = [], completion: [Double] = []
        for _ in 0..<rounds {
            var began = ContinuousClock.now
            let (envelope, received) = try await post("/tasks/shout/executions/sync", body)
            without.append(milliseconds(received - began))
            if let execID = envelope["data"]?["exec_id"]?.stringValue, let end = finished.withLock({ $0[execID] }) {
                completion.append(milliseconds(received - end))
            }
            began = ContinuousClock.now
            with.append(milliseconds(try await post("/tasks/shout/executions/sync?include=state", body).1 - began))
            began = ContinuousClock.now
            let (_, done) = try await post("/workflows/wf/executions/sync", ["input": ["text": "over http"]])
            workflow.append(milliseconds(done - began))
        }
        var figures = ["sync_without_state_ms": median(without), "sync_with_state_ms": median(with),
                       "workflow_sync_ms": median(workflow), "completion_to_response_ms": median(completion)]
        serving.cancel()
        // Loaded: 16 keep-alive clients against `switchyard serve` in a process of its own.
        figures.merge(try await APILoad.run(project: directory, binDirectory: BenchSuite.binDirectory)) { _, new in new }
        return figures
    }

    static func milliseconds(_ duration: Duration) -> Double { BunBench.milliseconds(duration) }
    static func median(_ values: [Double]) -> Double { values.isEmpty ? .nan : BunBench.median(values) }
}

/// The bound port, handed from the server's start-up to the bench.
actor PortBox {
    private var port: Int?
    private var waiting: [CheckedContinuation<Int, Never>] = []

    func set(_ value: Int) {
        port = value
        for continuation in waiting { continuation.resume(returning: value) }
        waiting = []
    }

    func value() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiting.append($0) }
    }
}
