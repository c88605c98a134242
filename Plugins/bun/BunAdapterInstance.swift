#if canImport(Glibc)
import Glibc
#endif
import SwitchyardABI
import SwitchyardAdapterKit
import SwitchyardJSON
import SwitchyardRuntime
import Synchronization

/// One adapter instance: a runtime, an entrypoint, a mode, and the calls in flight.
final class BunAdapterInstance: AdapterInstance {
    let host: HostConnection
    let configuration: BunAdapterConfiguration
    private let script: WorkerScriptFile
    /// The per-call script's slow paths (per_call on Bun only).
    private let helpers: WorkerScriptFile?
    private let dispatcher: any CallDispatcher
    private let calls = Mutex<[UInt64: ToolCall]>([:])
    private let nextWireID = Atomic<UInt64>(1)

    /// Parses the config, resolves the executable, writes the worker script, warms the pool.
    /// - Throws: `AdapterFailure` naming the config field or what could not be set up.
    init(host: HostConnection, configJSON: UnsafeRawBufferPointer) throws(AdapterFailure) {
        Self.ignoreBrokenPipes()
        self.host = host
        let configuration = try BunAdapterConfiguration(json: configJSON)
        self.configuration = configuration
        let executable = try RuntimeExecutable.resolve(configuration)
        // per_call on Bun runs a lean one-call script (start-up is the whole cost there);
        // everything else runs the general worker.
        let lean = configuration.runtime == .bun && configuration.mode == .perCall
        let helpers = lean ? try WorkerScriptFile.install(source: WorkerScript.perCallHelpersSource) : nil
        let script: WorkerScriptFile
        do { script = try WorkerScriptFile.install(source: lean ? WorkerScript.perCallBunSource : WorkerScript.source) } catch {
            helpers?.remove()
            throw error
        }
        self.script = script
        self.helpers = helpers
        var arguments: [String] = []
        if configuration.runtime == .deno {
            arguments = ["run", "--quiet", "--no-prompt"]
            arguments += configuration.permissions.isEmpty ? ["--allow-read", "--allow-env"] : configuration.permissions
        } else if configuration.runtime == .bun {
            arguments = ["--no-install"]
        }
        arguments += [script.path, configuration.entrypoint]
        arguments.append(helpers?.path ?? configuration.mode.rawValue)
        let launch = WorkerLaunch(
            runtimeName: configuration.runtime.rawValue, executable: executable, arguments: arguments,
            environment: Self.toolEnvironment(configuration), workingDirectory: configuration.workingDirectory,
            killGrace: .milliseconds(configuration.killGraceMS), maxOutputBytes: configuration.maxOutputBytes,
            maxStderrBytes: configuration.maxStderrBytes, memoryCeilingKB: configuration.maxWorkerMemoryMB * 1024,
            perCall: configuration.mode == .perCall, requestInEnvironment: lean, host: host)
        switch configuration.mode {
        case .perCall:
            dispatcher = PerCallDispatcher(launch: launch, maxConcurrent: configuration.maxConcurrent)
        case .pooled:
            let pool = WorkerPool(
                launch: launch, size: configuration.workers, maxInflight: configuration.maxInflightPerWorker,
                maxCalls: configuration.maxCallsPerWorker)
            dispatcher = pool
            do { try pool.warmUp() } catch {
                pool.shutdown()
                script.remove()
                helpers?.remove()
                throw error
            }
        }
    }

    /// What every tool process of the instance starts with: the harmless part of the host's
    /// environment, the variables the project passes through by name, then its own `env`. Never
    /// the host's whole environment: it holds the server's secrets (SWITCHYARD_API_KEY, provider
    /// keys) and may hold loader variables (LD_AUDIT, BUN_OPTIONS, NODE_OPTIONS).
    static func toolEnvironment(_ configuration: BunAdapterConfiguration) -> [String: String] {
        var host: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                host[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return ToolEnvironmentRules.inherited(from: host, allowing: configuration.inheritedVariables)
            .merging(configuration.environment) { _, declared in declared }
    }

    /// Writing to a pipe whose reader died must fail with EPIPE, not kill the host: SIGPIPE is
    /// ignored unless the host installed its own handler.
    private static func ignoreBrokenPipes() {
        var current = sigaction()
        sigaction(SIGPIPE, nil, &current)
        if current.__sigaction_handler.sa_handler == nil {
            signal(SIGPIPE, SIG_IGN)
        }
    }

    /// Validates and starts one call.
    /// - Throws: `AdapterFailure` (SY_E_INVALID_ARGUMENT) naming the tool id or env key.
    func startCall(_ request: UnsafePointer<sy_call_request>) throws(AdapterFailure) {
        let request = request.pointee
        guard let toolPointer = request.tool_id else { throw .invalid("start_call: tool_id is NULL") }
        let toolID = String(decoding: UnsafeRawBufferPointer(start: toolPointer, count: Int(request.tool_id_length)), as: UTF8.self)
        if let problem = ToolIdentifierRules.problem(toolID) { throw .invalid(problem) }
        let envBytes = UnsafeRawBufferPointer(start: request.env_json, count: Int(request.env_json_length))
        var environment: [String: String] = [:]
        if !envBytes.isEmpty {
            let env: JSONValue
            do { env = try JSONValue(parsing: envBytes) } catch {
                throw .invalid("tool \"\(toolID)\": env is not JSON: \(error)")
            }
            guard let members = env.objectValue else { throw .invalid("tool \"\(toolID)\": env must be a JSON object") }
            for (key, value) in members {
                guard let text = value.stringValue else {
                    throw .invalid("tool \"\(toolID)\": env \"\(key)\" must be a string, got \(value.typeName)")
                }
                if let problem = EnvironmentRules.problem(key: key, value: text) {
                    throw .invalid("tool \"\(toolID)\": \(problem)")
                }
                environment[key] = text
            }
        }
        let wireID = nextWireID.wrappingAdd(1, ordering: .relaxed).oldValue
        var line: [UInt8] = []
        line.reserveCapacity(Int(request.input_json_length + request.config_json_length + request.env_json_length) + 64)
        line.append(contentsOf: "{\"id\":\(wireID),\"tool\":\"\(toolID)\",\"input\":".utf8)
        Self.appendJSON(request.input_json, request.input_json_length, to: &line)
        line.append(contentsOf: ",\"config\":".utf8)
        Self.appendJSON(request.config_json, request.config_json_length, to: &line)
        line.append(contentsOf: ",\"env\":".utf8)
        Self.appendJSON(request.env_json, request.env_json_length, to: &line)
        line.append(contentsOf: "}\n".utf8)
        let timeout = request.timeout_ms > 0 ? request.timeout_ms : configuration.toolExecutionTimeoutMS
        let call = ToolCall(
            wireID: wireID, toolID: toolID, timeoutMS: timeout, requestLine: line, environment: environment,
            sink: HostFrameSink(host: host, callID: request.call_id))
        calls.withLock { $0[request.call_id] = call }
        dispatcher.submit(call)
    }

    /// Copies a JSON text into the request line; raw newlines can only be whitespace in JSON,
    /// so they become spaces and the line stays one line.
    private static func appendJSON(_ bytes: UnsafePointer<UInt8>?, _ length: UInt64, to line: inout [UInt8]) {
        guard let bytes, length > 0 else {
            line.append(contentsOf: "{}".utf8)
            return
        }
        let start = line.count
        line.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(length)))
        var index = start
        while index < line.count {
            if line[index] == 0x0A || line[index] == 0x0D { line[index] = 0x20 }
            index += 1
        }
    }

    /// Stops a call; its terminal frame follows once its process is gone. Never blocks.
    func cancelCall(_ id: UInt64) {
        guard let call = calls.withLock({ $0[id] }) else { return }
        dispatcher.cancel(call)
    }

    /// Forgets a call the host is done with.
    func releaseCall(_ id: UInt64) {
        _ = calls.withLock { $0.removeValue(forKey: id) }
    }

    /// Asks a worker which tools the entrypoint exports.
    /// - Throws: `AdapterFailure` with the worker's error (e.g. the entrypoint does not import).
    func describe() throws(AdapterFailure) -> [UInt8] {
        let wireID = nextWireID.wrappingAdd(1, ordering: .relaxed).oldValue
        let sink = CollectedFrames()
        let timeout = configuration.toolExecutionTimeoutMS > 0 ? configuration.toolExecutionTimeoutMS : 60_000
        let call = ToolCall(
            wireID: wireID, toolID: "(describe)", timeoutMS: timeout,
            requestLine: Array("{\"id\":\(wireID),\"describe\":true}\n".utf8), sink: sink)
        dispatcher.submit(call)
        if !sink.finished.wait(milliseconds: timeout + 5_000) {
            dispatcher.cancel(call)
            throw .internal("describe: no answer from the \(configuration.runtime.rawValue) worker")
        }
        let (kind, bytes) = sink.result
        if kind == SY_FRAME_RESULT { return bytes }
        let message = (try? JSONValue(parsing: bytes))?["message"]?.stringValue ?? String(decoding: bytes, as: UTF8.self)
        throw .internal("describe \(configuration.entrypoint): \(message)")
    }

    /// Stops every process, waits for them, removes the worker script.
    /// The dispatcher's processes, queue and recycles (the `stats` hook).
    var statistics: InstanceStatistics { dispatcher.statistics }

    func destroy() {
        dispatcher.shutdown()
        script.remove()
        helpers?.remove()
    }
}
