import SwitchyardABI
import SwitchyardAdapterKit
import Synchronization

/// Where a call's frames go: the host (a real call) or the adapter itself (`describe`).
protocol FrameSink: Sendable {
    /// Delivers one chunk; false means the receiver ended the call (stop forwarding).
    func deliver(kind: UInt32, flags: UInt32, bytes: UnsafeRawBufferPointer) -> Bool
    /// Delivers one complete LOG frame at SY_LOG_WARNING (the adapter's own notice).
    func deliverNotice(_ text: String)
    /// Delivers one complete LOG frame at `level` (a line of the tool's stderr).
    func deliverLog(level: Int32, bytes: UnsafeRawBufferPointer)
}

/// Frames for a host call go to `host->emit`.
struct HostFrameSink: FrameSink {
    let host: HostConnection
    let callID: UInt64

    func deliver(kind: UInt32, flags: UInt32, bytes: UnsafeRawBufferPointer) -> Bool {
        host.emit(callID: callID, kind: kind, flags: flags, bytes: bytes) == SY_OK
    }

    func deliverNotice(_ text: String) {
        var text = text
        text.withUTF8 { deliverLog(level: SY_LOG_WARNING, bytes: UnsafeRawBufferPointer($0)) }
    }

    func deliverLog(level: Int32, bytes: UnsafeRawBufferPointer) {
        guard let emit = host.table.pointee.emit else { return }
        var frame = sy_frame(
            struct_size: UInt32(MemoryLayout<sy_frame>.size), kind: SY_FRAME_LOG, flags: 0,
            log_level: level, data: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), length: UInt64(bytes.count))
        _ = emit(host.table.pointee.host_context, callID, &frame)
    }
}

/// How many progress frames of one call reach the host, and how many of their bytes: past
/// either they are dropped, counted, and one notice before the terminal frame says how many.
/// The host bounds what it keeps per call too (AdapterHost's call state machine: 10,000 progress
/// and log frames, 1 MiB; private to that module, so not reused here): this budget stays just
/// under it, so the notice itself is never the frame the host drops.
enum EventBudget {
    static let maxFrames = 10_000 - 1
    static let maxBytes = (1 << 20) - 4 * 1024
}

/// One started call: its request line, deadline, and the "exactly one terminal frame" guard.
final class ToolCall: Sendable {
    /// The id the worker protocol uses: adapter-assigned, unique for the instance's life (host
    /// call ids may be reused after release).
    let wireID: UInt64
    let toolID: String
    let timeoutMS: Int64
    let deadline: ContinuousClock.Instant?
    let requestLine: [UInt8]
    /// The call's own env (already validated). per_call puts it in the process environment,
    /// as compozy does; pooled workers apply it from the request line around the call.
    let environment: [String: String]
    private let sink: any FrameSink
    private let state = Mutex<State>(State())

    private struct State {
        var ended = false
        var hostStopped = false
        var cancelRequested = false
        var worker: WorkerProcess?
        var redispatches = 0
        var events = (frames: 0, bytes: 0)
        var dropped = (frames: 0, bytes: 0)
        var terminalBegun = false
        var stderrLimit = StderrLogLimit()
        /// The last chunk forwarded had SY_FRAME_FLAG_MORE: a LOG frame now would split a frame.
        var midFrame = false
    }

    /// How many times a call that never reached a worker's stdin may be placed again: a bound,
    /// so a runtime that dies at once cannot bounce a call forever.
    static let maxRedispatches = 3

    init(wireID: UInt64, toolID: String, timeoutMS: Int64, requestLine: [UInt8],
         environment: [String: String] = [:], sink: any FrameSink) {
        self.wireID = wireID
        self.toolID = toolID
        self.timeoutMS = timeoutMS
        self.deadline = timeoutMS > 0 ? ContinuousClock.now + .milliseconds(timeoutMS) : nil
        self.requestLine = requestLine
        self.environment = environment
        self.sink = sink
    }

    /// True once the terminal frame went out or the host stopped listening.
    var isSettled: Bool { state.withLock { $0.ended || $0.hostStopped } }

    /// True once `cancel_call` asked for this call.
    var cancelRequested: Bool { state.withLock { $0.cancelRequested } }

    /// Marks the call canceled; returns the worker running it, if any.
    func markCanceled() -> (alreadyEnded: Bool, worker: WorkerProcess?) {
        state.withLock { state in
            let ended = state.ended || state.cancelRequested
            state.cancelRequested = true
            return (ended, state.worker)
        }
    }

    /// Counts one more placement of a call no worker received; false once the bound is reached.
    func claimRedispatch() -> Bool {
        state.withLock { state in
            guard state.redispatches < Self.maxRedispatches else { return false }
            state.redispatches += 1
            return true
        }
    }

    /// Counts one progress frame of `bytes` against the call's budget; false: drop it.
    func admitEvent(bytes: Int) -> Bool {
        state.withLock { state in
            if state.dropped.frames == 0, state.events.frames < EventBudget.maxFrames,
               state.events.bytes + bytes <= EventBudget.maxBytes {
                state.events.frames += 1
                state.events.bytes += bytes
                return true
            }
            state.dropped.frames += 1
            state.dropped.bytes += bytes
            return false
        }
    }

    /// One line of the call's stderr (mark taken off) to the host log as a LOG frame at
    /// SY_LOG_INFO, within the call's ``StderrLogLimit``; refused lines are counted and reported
    /// before the terminal frame. False when the call is over (the line belongs to no one).
    @discardableResult
    func logStderr(_ line: UnsafeRawBufferPointer) -> Bool {
        let admitted = state.withLock { state -> Bool? in
            guard !state.ended, !state.hostStopped else { return nil }
            // Inside a chunked frame, or once the terminal frame began, a LOG frame would break the
            // chunk rule (the next chunk must have the same kind): the line is counted as dropped.
            if state.midFrame || state.terminalBegun { return state.stderrLimit.refuse(bytes: line.count) }
            return state.stderrLimit.admit(bytes: line.count)
        }
        guard let admitted else { return false }
        if admitted { sink.deliverLog(level: SY_LOG_INFO, bytes: line) }
        return true
    }

    /// Records which worker runs the call (for cancel routing).
    func attach(to worker: WorkerProcess?) { state.withLock { $0.worker = worker } }

    /// Forwards one payload chunk. Terminal chunks (END_OF_STREAM) close the call. Returns false
    /// when the call is over for the sender: already ended, or the host refused the frame.
    @discardableResult
    func forward(kind: UInt32, flags: UInt32, bytes: UnsafeRawBufferPointer) -> Bool {
        let terminal = flags & SY_FRAME_FLAG_END_OF_STREAM != 0
        let (allowed, dropped, stderrNotice) = state.withLock { state -> (Bool, (frames: Int, bytes: Int), String?) in
            guard !state.ended, !state.hostStopped else { return (false, (0, 0), nil) }
            if terminal { state.ended = true; state.worker = nil }
            state.midFrame = flags & SY_FRAME_FLAG_MORE != 0
            // The notices go before the terminal frame's first chunk, never between its chunks.
            guard kind == SY_FRAME_RESULT || kind == SY_FRAME_ERROR, !state.terminalBegun else { return (true, (0, 0), nil) }
            state.terminalBegun = true
            return (true, state.dropped, state.stderrLimit.droppedNotice("tool \"\(toolID)\""))
        }
        guard allowed else { return false }
        if let stderrNotice { sink.deliverNotice(stderrNotice) }
        if dropped.frames > 0 {
            sink.deliverNotice("tool \"\(toolID)\": dropped \(dropped.frames) progress frames (\(dropped.bytes) bytes) past the "
                + "adapter's per-call limit of \(EventBudget.maxFrames) frames or \(EventBudget.maxBytes) bytes")
        }
        if sink.deliver(kind: kind, flags: flags, bytes: bytes) { return true }
        state.withLock { $0.hostStopped = true; $0.ended = true; $0.worker = nil }
        return false
    }

    /// Ends the call with an adapter-made ERROR frame (the adapter, not the tool, decided the
    /// outcome), unless it already ended.
    func fail(_ failure: ErrorFrame) {
        _ = failure.jsonBytes.withUnsafeBytes { forward(kind: SY_FRAME_ERROR, flags: SY_FRAME_FLAG_END_OF_STREAM, bytes: $0) }
    }

    func fail(_ kind: ErrorFrameKind, _ message: String, details: String? = nil) {
        fail(ErrorFrame(kind, message, details: details))
    }
}

/// Collects one call's frames in memory: `describe` asks a worker like any call.
final class CollectedFrames: FrameSink {
    private let state = Mutex<(kind: UInt32, bytes: [UInt8], done: Bool)>((0, [], false))
    let finished = UnsafeSemaphore()

    func deliver(kind: UInt32, flags: UInt32, bytes: UnsafeRawBufferPointer) -> Bool {
        guard kind != SY_FRAME_PROGRESS, kind != SY_FRAME_LOG else { return true }
        let end = state.withLock { state -> Bool in
            state.kind = kind
            state.bytes.append(contentsOf: bytes)
            if flags & SY_FRAME_FLAG_END_OF_STREAM != 0 { state.done = true; return true }
            return false
        }
        if end { finished.signal() }
        return true
    }

    func deliverNotice(_ text: String) {}

    func deliverLog(level: Int32, bytes: UnsafeRawBufferPointer) {}

    /// The terminal frame's kind and bytes.
    var result: (kind: UInt32, bytes: [UInt8]) { state.withLock { ($0.kind, $0.bytes) } }
}
