import SwitchyardABI
import SwitchyardJSON
import SwitchyardRuntime

/// The steps of one ``AdapterConformanceCheck`` run against one instance created with the
/// probe's host table. Every hook runs bounded (``ConformanceProbe/bounded(_:_:)``).
struct ProbeSession: Sendable {
    let check: AdapterConformanceCheck
    let library: AdapterLibrary
    let probe: ConformanceProbe

    typealias Record = (String, Bool, String) -> Void

    func create(record: Record) async -> AdapterInstance? {
        let library = library, table = probe.table
        let created = await ConformanceProbe.bounded(check.hookTimeout) { () -> Result<AdapterInstance, HookFailure> in
            Result { () throws(HookFailure) in try library.createProbed(config: Array("{}\0".utf8), host: table.pointer) }
        }
        switch created {
        case nil:
            record("create", false, "create did not return within \(check.hookTimeout)")
        case .failure(let failure)?:
            record("create", false, "create from {} failed with \(ToolError.Kind.statusName(failure.status))"
                   + (failure.message.map { ": \($0)" } ?? ""))
        case .success(let instance)?:
            record("create", true, "instance from {}")
            return instance
        }
        return nil
    }

    func describe(_ instance: AdapterInstance, record: Record) async -> [ToolDescriptor]? {
        let library = library
        let described = await ConformanceProbe.bounded(check.hookTimeout) { () -> Result<[UInt8], HookFailure> in
            Result { () throws(HookFailure) in try library.describe(instance) }
        }
        do {
            guard let described else { throw ToolError(.timeout, "describe did not return within \(check.hookTimeout)") }
            let bytes = try described.mapError { ToolError(.forStatus($0.status), $0.message ?? "describe failed") }.get()
            let tools = try ToolDescriptor.parseList(bytes, adapterID: library.adapterName)
            guard !tools.isEmpty else {
                record("describe", false, "the adapter describes no tools, so no call can be checked")
                return nil
            }
            record("describe", true, "\(tools.count) tools (\(tools.map(\.id).joined(separator: ", ")))")
            return tools
        } catch {
            record("describe", false, "\(error)")
            return nil
        }
    }

    /// The call step: the terminal frame must come within the call timeout, and a failing
    /// `start_call` status must come without frames. Returns whether the call ended.
    func checkCall(_ instance: AdapterInstance, _ request: ToolCallRequest, record: Record) async -> Bool {
        let what = "\(request.toolID) \(AdapterConformanceCheck.excerpt(request.input.jsonString))"
        guard let (id, started) = await start(instance, request) else {
            record("call", false, "\(what): start_call did not return within \(check.hookTimeout)")
            return false
        }
        if let refusal = refusal(id, started) {
            record("call", refusal.passed, "\(what) → \(refusal.detail)")
            return true
        }
        guard await probe.wait(id, for: check.callTimeout, until: \.ended) else {
            record("call", false, "\(what): no terminal frame within \(check.callTimeout); such a call is never "
                   + "released unless the host cancels it")
            // Still try to end it, so the cancel of the next step is not blamed.
            _ = await cancel(instance, id)
            let ended = await probe.wait(id, for: check.cancelGrace, until: \.ended)
            await release(instance, id)
            return ended
        }
        await release(instance, id)
        switch probe.record(id)?.outcome {
        case .success(let output)?:
            record("call", true, "\(what) → result \(AdapterConformanceCheck.excerpt(output.jsonString))")
        case .failure(let error)? where [.protocol, .outputLimit].contains(error.kind):
            record("call", false, "\(what) → \(AdapterConformanceCheck.excerpt(error.description))")
        case .failure(let error)?:
            record("call", true, "\(what) → \(AdapterConformanceCheck.excerpt(error.description))")
        case nil:
            record("call", false, "\(what): the call ended without an outcome")
        }
        return true
    }

    /// The cancel step: `cancel_call` must return at once and the call must end within the grace.
    /// Returns whether the call ended.
    func checkCancel(_ instance: AdapterInstance, _ request: ToolCallRequest, record: Record) async -> Bool {
        guard let (id, started) = await start(instance, request) else {
            record("cancel", false, "\(request.toolID): start_call did not return within \(check.hookTimeout)")
            return false
        }
        if let refusal = refusal(id, started) {
            record("cancel", refusal.passed, "\(request.toolID) → \(refusal.detail)")
            return true
        }
        let endedBeforeCancel = probe.record(id)?.ended == true
        guard await cancel(instance, id) else {
            record("cancel", false, "\(request.toolID): cancel_call did not return within \(check.hookTimeout) "
                   + "(it must not block)")
            return false
        }
        let ended = await probe.wait(id, for: check.cancelGrace, until: \.ended)
        await release(instance, id)
        if endedBeforeCancel {
            record("cancel", true, "\(request.toolID) ended inside start_call, before the cancel (nothing to stop)")
        } else if !ended {
            record("cancel", false, "\(request.toolID) sent no terminal frame within \(check.cancelGrace) of cancel_call")
        } else if case .failure(let error)? = probe.record(id)?.outcome, error.kind == .canceled {
            record("cancel", true, "\(request.toolID) ended canceled")
        } else {
            record("cancel", true, "\(request.toolID) finished before the cancel took effect")
        }
        return ended
    }

    /// The release step: what the plugin sent after a call's end or after its release.
    func checkRelease(record: Record) {
        let calls = probe.records
        let neverEnded = calls.filter { $0.startReturned && !$0.ended && $0.released }
        var problems: [String] = []
        let afterRelease = Self.framesByTool(calls, \.framesAfterRelease)
        if !afterRelease.isEmpty {
            problems.append(afterRelease + " after release_call (the host ignores them; stop emitting before "
                            + "release_call returns)")
        }
        let afterEnd = Self.framesByTool(calls, \.framesAfterEnd)
        if !afterEnd.isEmpty { problems.append(afterEnd + " after the terminal frame (a call has exactly one)") }
        if !neverEnded.isEmpty {
            problems.append("\(neverEnded.count) calls (\(neverEnded.map(\.toolID).joined(separator: ", "))) released "
                            + "without a terminal frame, only because the check gave up waiting")
        }
        let unknown = probe.unknownCallFrames.load(ordering: .relaxed)
        if unknown > 0 { problems.append("\(unknown) frames for call ids the host never handed out") }
        let released = calls.filter(\.released).count
        record("release", problems.isEmpty, problems.isEmpty
               ? "\(released) of \(released) started calls ended and were released; no frames after release"
               : problems.joined(separator: "; "))
    }

    /// `N frames for TOOL` per tool whose calls sent any of `count`, joined; empty for none.
    private static func framesByTool(_ calls: [ConformanceProbe.CallRecord],
                                     _ count: KeyPath<ConformanceProbe.CallRecord, Int>) -> String {
        let byTool = Dictionary(calls.map { ($0.toolID, $0[keyPath: count]) }, uniquingKeysWith: +).filter { $0.value > 0 }
        return byTool.sorted { $0.key < $1.key }.map { "\($0.value) frames for \($0.key)" }.joined(separator: ", ")
    }

    func destroy(_ instance: AdapterInstance, record: Record) async {
        let library = library
        if await ConformanceProbe.bounded(check.hookTimeout, { library.destroy(instance) }) == nil {
            record("destroy", false, "destroy did not return within \(check.hookTimeout) (is it waiting for a call "
                   + "it never ended?)")
        } else {
            record("destroy", true, "instance destroyed")
        }
    }

    // MARK: Hooks

    /// A failed `start_call`: fine (the adapter's own answer) unless frames came before it.
    private func refusal(_ id: UInt64, _ started: (sy_status, String?)) -> (passed: Bool, detail: String)? {
        let (status, message) = started
        guard status != SY_OK else { return nil }
        let call = probe.record(id)
        probe.released(id)  // never started: nothing to release, and later frames are late
        let text = "start_call returned \(ToolError.Kind.statusName(status))" + (message.map { ": \($0)" } ?? "")
        guard let call, call.framesDuringStart > 0 else { return (true, text) }
        let sent = call.ended ? "a terminal frame" : "\(call.framesDuringStart) frames"
        return (false, "\(text) after sending \(sent): a failed start owes no frames, so the host drops the "
                + "call's outcome; once a call has sent its terminal frame, start_call must return SY_OK")
    }

    /// Starts a call; `nil` when `start_call` did not return in time.
    private func start(_ instance: AdapterInstance, _ request: ToolCallRequest) async -> (UInt64, (sy_status, String?))? {
        let id = probe.beginCall(toolID: request.toolID)
        let library = library, limit = check.callTimeout
        let input = request.input.jsonBytes + [0]
        let started = await ConformanceProbe.bounded(check.hookTimeout) { () -> (sy_status, String?) in
            Self.startCall(library, instance, id: id, toolID: request.toolID, input: input, timeout: limit)
        }
        guard let started else { return nil }
        probe.startReturned(id)
        return (id, started)
    }

    private static func startCall(_ library: AdapterLibrary, _ instance: AdapterInstance, id: UInt64, toolID: String,
                                  input: [UInt8], timeout: Duration) -> (sy_status, String?) {
        let empty: [UInt8] = Array("{}\0".utf8)
        let milliseconds = timeout.components.seconds * 1000
        return input.withUnsafeBufferPointer { input in
            empty.withUnsafeBufferPointer { empty in
                toolID.withCString { tool in
                    var request = sy_call_request(
                        struct_size: UInt32(MemoryLayout<sy_call_request>.size), reserved: 0, call_id: id,
                        tool_id: tool, tool_id_length: UInt64(toolID.utf8.count),
                        input_json: input.baseAddress, input_json_length: UInt64(input.count - 1),
                        config_json: empty.baseAddress, config_json_length: 2,
                        env_json: empty.baseAddress, env_json_length: 2, timeout_ms: milliseconds)
                    return withUnsafePointer(to: &request) { library.startCall(instance, $0) }
                }
            }
        }
    }

    /// `cancel_call`; `false` when it did not return in time.
    private func cancel(_ instance: AdapterInstance, _ id: UInt64) async -> Bool {
        let library = library
        return await ConformanceProbe.bounded(check.hookTimeout) { library.cancelCall(instance, id) } != nil
    }

    /// `release_call`, then the watch for late frames.
    private func release(_ instance: AdapterInstance, _ id: UInt64) async {
        let library = library
        _ = await ConformanceProbe.bounded(check.hookTimeout) { library.releaseCall(instance, id) }
        probe.released(id)
        try? await Task.sleep(for: check.settle)
    }
}
