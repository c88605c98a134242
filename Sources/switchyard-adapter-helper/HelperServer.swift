#if canImport(Glibc)
import Glibc
#endif
import CIsolationSupport
import Dispatch
import Synchronization
import SwitchyardAdapterHost
import SwitchyardIsolation
import SwitchyardJSON
import SwitchyardRuntime

/// The helper's side of the pipes: reads the host's frames, and runs each call through a
/// `LibraryAdapter` in a task of its own started on the reading thread (``ReaderTakeover``
/// moves the reading to another thread when a call holds it, so a stuck hook cannot stop the
/// helper reading a cancel), sending the call's events back as frames.
final class HelperServer: Sendable {
    let input: Int32
    let output: FrameWriter
    private let running = Mutex<[UInt64: Slot]>([:])

    private enum Slot {
        case starting
        case running(Task<Void, Never>)
    }

    init(input: Int32, output: FrameWriter) {
        self.input = input
        self.output = output
    }

    /// Serves until the host closes stdin (or asks for shutdown); never returns.
    func run() -> Never {
        let reader = FrameReader(descriptor: input)
        guard let first = reader.next(), first.kind == .configure else { _exit(72) }
        let adapter = start(first.payload)
        ReaderTakeover { [self] takeover, generation in
            read(reader, into: adapter, takeover: takeover, as: generation)
        }.readOnThisThread()
        // Another thread reads now; this one came back from a call that held it too long.
        while true { pause() }
    }

    /// Reads and dispatches frames until the host closes stdin, or until another thread took
    /// over reading while this one ran a call inline.
    private func read(_ reader: FrameReader, into adapter: LibraryAdapter, takeover: ReaderTakeover,
                      as generation: UInt64) {
        while let frame = reader.next() {
            // A call starts inline: one answered inside start_call goes back without a thread hop.
            guard frame.kind == .call else {
                dispatch(frame, to: adapter)
                continue
            }
            guard takeover.runInline(as: generation, { dispatch(frame, to: adapter) }) else { return }
        }
        // The host closed our stdin: it is gone (or gave up on us). Nothing is owed to anyone.
        _exit(0)
    }

    /// Applies the limits, loads the library and creates the instance; answers `ready`, or
    /// `startFailed` and exits.
    private func start(_ payload: [UInt8]) -> LibraryAdapter {
        do {
            let configuration = try HelperConfiguration(json: JSONValue(parsing: payload))
            Self.startConcurrencyRuntime()
            try Self.apply(configuration.limits, adapterID: configuration.adapterID)
            let library = try AdapterLibrary.load(
                configuration.libraryPath,
                policy: AdapterLoadPolicy(allowedDirectories: configuration.allowedDirectories,
                                          expectedSHA256: configuration.expectedSHA256))
            let adapter = try LibraryAdapter(
                id: configuration.adapterID, library: library, config: configuration.config,
                options: AdapterCallOptions(defaultTimeout: .zero, cancelGrace: configuration.cancelGrace,
                                            maxOutputBytes: configuration.maxOutputBytes,
                                            // The host supervises this process (its deadline
                                            // kills a helper whose hook is stuck), and the reader
                                            // takeover keeps calls coming: no hand-off needed.
                                            startsCallsInline: true))
            let ready: JSONValue = [
                "name": .string(library.adapterName), "version": .string(library.adapterVersion),
                "abi": .string("\(library.abiMajor).\(library.abiMinor)"),
                "protocol": .int(Int64(HelperFrame.protocolVersion)),
            ]
            output.send(.ready, payload: ready.jsonBytes)
            return adapter
        } catch let error as ToolError {
            output.send(.startFailed, payload: HelperPayload.error(error))
        } catch {
            output.send(.startFailed, payload: HelperPayload.error(ToolError(.protocol, "configure: \(error)")))
        }
        _exit(0)
    }

    /// Runs one task on the global executor and waits for it. Calls start inline on the reading
    /// thread, so without this the executor's first job (and the descriptors its threads need)
    /// could come only after a plugin used up `open_files`.
    private static func startConcurrencyRuntime() {
        let done = DispatchSemaphore(value: 0)
        Task.detached { done.signal() }
        done.wait()
    }

    /// setrlimit for each limit given, before the library is loaded.
    private static func apply(_ limits: HelperLimits, adapterID: String) throws(ToolError) {
        let requested: [(String, sy_isolation_limit, Int?, UInt64)] = [
            ("memory_mb", SY_ISOLATION_LIMIT_ADDRESS_SPACE, limits.memoryMB, 1 << 20),
            ("cpu_seconds", SY_ISOLATION_LIMIT_CPU_SECONDS, limits.cpuSeconds, 1),
            ("open_files", SY_ISOLATION_LIMIT_OPEN_FILES, limits.openFiles, 1),
        ]
        for (field, limit, value, unit) in requested {
            guard let value else { continue }
            guard sy_isolation_set_limit(limit, UInt64(value) * unit) == 0 else {
                throw ToolError(.invalidInput, "adapter \(adapterID): limits.\(field) = \(value) cannot be applied: "
                                + String(cString: strerror(errno)))
            }
        }
    }

    private func dispatch(_ frame: HelperFrame, to adapter: LibraryAdapter) {
        let id = frame.callID
        switch frame.kind {
        case .call:
            let request: ToolCallRequest
            do { request = try HelperPayload.request(from: frame.payload) } catch {
                output.send(.error, callID: id, payload: HelperPayload.error(error))
                return
            }
            launch(id, immediately: true) { [output] in await Self.serve(id, request, on: adapter, to: output) }
        case .describe:
            launch(id) { [output] in
                do {
                    let tools = try adapter.describeTools().map(Self.json)
                    output.send(.described, callID: id, payload: JSONValue.array(tools).jsonBytes)
                } catch let error as ToolError {
                    output.send(.error, callID: id, payload: HelperPayload.error(error))
                } catch {
                    output.send(.error, callID: id, payload: HelperPayload.error(ToolError(.protocol, "\(error)")))
                }
            }
        case .cancel:
            guard case .running(let task)? = running.withLock({ $0[id] }) else { return }
            // Canceling runs the plugin's cancel_call; never on this thread.
            Task.detached { task.cancel() }
        case .shutdown:
            Task.detached { [self] in
                await adapter.shutdown()
                // The calls' last frames are written by their tasks just after they retired.
                for _ in 0..<2_000 where !running.withLock({ $0.isEmpty }) {
                    try? await Task.sleep(for: .milliseconds(1))
                }
                _exit(0)
            }
        default:
            break  // a kind this helper does not know: the host is newer; ignore it
        }
    }

    /// Runs `body` in a task registered under `id`, so a cancel frame can reach it; with
    /// `immediately`, on this thread up to its first suspension (`Task.immediate`).
    private func launch(_ id: UInt64, immediately: Bool = false, _ body: @escaping @Sendable () async -> Void) {
        running.withLock { $0[id] = .starting }
        let operation: @Sendable () async -> Void = { [self] in
            await body()
            _ = running.withLock { $0.removeValue(forKey: id) }
        }
        let task = immediately ? Task.immediate(operation: operation) : Task.detached(operation: operation)
        running.withLock { slots in
            if case .starting? = slots[id] { slots[id] = .running(task) }
        }
    }

    private static func serve(_ id: UInt64, _ request: ToolCallRequest, on adapter: LibraryAdapter,
                              to output: FrameWriter) async {
        do {
            let result = try await adapter.run(request) { event in
                switch event {
                case .progress(let value): output.send(.progress, callID: id, payload: value.jsonBytes)
                case .log(let level, let text):
                    output.send(.log, callID: id, argument: UInt8(clamping: level.rawValue), payload: Array(text.utf8))
                case .result: break
                }
            }
            output.send(.result, callID: id, payload: result.jsonBytes)
        } catch let error as ToolError {
            // A hook stuck in the plugin past the call's deadline: the watchdog in here gave up
            // on it, but this process can no longer be trusted with calls. Not answering lets
            // the host's own deadline and grace kill the helper, naming this call, and start a
            // fresh one; answering would leave a helper that refuses every later call.
            if error.kind == .timeout || error.kind == .canceled, adapter.callCounts.stuckHooks > 0 { return }
            output.send(.error, callID: id, payload: HelperPayload.error(error))
        } catch {
            output.send(.error, callID: id, payload: HelperPayload.error(ToolError(.protocol, "\(error)")))
        }
    }

    private static func json(_ tool: ToolDescriptor) -> JSONValue {
        var members: [String: JSONValue] = ["id": .string(tool.id), "description": .string(tool.description)]
        if let input = tool.inputSchema { members["input"] = input }
        if let output = tool.outputSchema { members["output"] = output }
        return .object(members)
    }
}

/// Reads frames from the host's pipe. Used by one reading thread at a time (the
/// ``ReaderTakeover`` hand-over orders the threads).
///
/// The pipe is non-blocking: with nothing to read, the reader keeps trying for `spinBudget`
/// before it blocks in `poll`. A host sending calls back to back (the next one comes a few
/// microseconds after it read the last answer) then finds this thread awake, which saves the
/// wake-up of a blocked thread on every call; an idle helper spins once per burst.
final class FrameReader: @unchecked Sendable {
    let descriptor: Int32
    let spinBudget: Duration
    private var parser = HelperFrameParser(maxPayloadBytes: Int(UInt32.max))
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(descriptor: Int32, spinBudget: Duration = .microseconds(50)) {
        self.descriptor = descriptor
        self.spinBudget = spinBudget
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// The next frame, or `nil` once the pipe closed (or broke).
    func next() -> HelperFrame? {
        let clock = ContinuousClock()
        var spinUntil: ContinuousClock.Instant?
        while true {
            if let frame = try? parser.next() { return frame }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                continue
            }
            guard count < 0, errno == EINTR || errno == EAGAIN else { return nil }
            if errno == EINTR { continue }
            let now = clock.now
            if spinUntil == nil { spinUntil = now + spinBudget }
            if let spinUntil, now < spinUntil {
                // Let the host's thread run should it wait for this CPU (see
                // HelperOutputReader in SwitchyardIsolation).
                sched_yield()
                continue
            }
            var readable = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&readable, 1, -1)
        }
    }
}
