#if canImport(Glibc)
import Glibc
#endif
import Subprocess
import SwitchyardABI
import SwitchyardAdapterKit

extension WorkerProcess {
    /// The I/O thread: serves the pipes until the process exited and its pipes are drained.
    func runLoop(pid: pid_t, processDescriptor: Int32) {
        let capacity = 256 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        processID = pid
        var outputOpen = true, errorOpen = true, processExited = false
        var termSentAt: ContinuousClock.Instant?
        var killSent = false
        var drainUntil: ContinuousClock.Instant?
        let grace = launch.killGrace
        let drainTime = max(grace, .milliseconds(200))

        while true {
            let now = ContinuousClock.now
            let snapshot = loopSnapshot(now: now)
            if snapshot.closeInput { close(inputFD) }
            if snapshot.stopping && termSentAt == nil {
                termSentAt = now
                observer.workerStopping(self)
                if !processExited { signalGroup(pid, SIGTERM) }
            }
            if let sentAt = termSentAt, !killSent, !processExited, now >= sentAt + grace {
                signalGroup(pid, SIGKILL)
                killSent = true
            }
            if processExited && !outputOpen && !errorOpen { break }
            if let until = drainUntil, now >= until { break }

            var fds: [pollfd] = [pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0)]
            let outputSlot = outputOpen ? append(&fds, outputFD, POLLIN) : -1
            let errorSlot = errorOpen ? append(&fds, errorFD, POLLIN) : -1
            let inputSlot = snapshot.wantsWrite ? append(&fds, inputFD, POLLOUT) : -1
            let exitSlot = !processExited && processDescriptor >= 0 ? append(&fds, processDescriptor, POLLIN) : -1

            var wakeAt: [ContinuousClock.Instant] = []
            if let deadline = snapshot.nextDeadline { wakeAt.append(deadline) }
            if let sentAt = termSentAt, !killSent, !processExited { wakeAt.append(sentAt + grace) }
            if let until = drainUntil { wakeAt.append(until) }
            var timeout: Int32 = -1
            if let earliest = wakeAt.min() {
                let left = earliest - ContinuousClock.now
                timeout = left <= .zero ? 0 : Int32(clamping: left.components.seconds * 1000
                    + (left.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            }
            if processDescriptor < 0 && !processExited { timeout = timeout < 0 ? 20 : min(timeout, 20) }

            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR { break }
            if fds[0].revents != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                while read(wakeReadFD, &drained, 64) == 64 {}
            }
            if inputSlot >= 0 && fds[inputSlot].revents != 0 { flushInput() }
            // stderr first: what a call wrote there before its answer belongs before its terminal frame.
            if errorOpen && (errorSlot >= 0 && fds[errorSlot].revents != 0 || outputSlot >= 0 && fds[outputSlot].revents != 0) {
                errorOpen = readStderr(into: buffer)
            }
            if outputSlot >= 0 && fds[outputSlot].revents != 0 {
                let count = read(outputFD, buffer.baseAddress, capacity)
                if count > 0 {
                    handleOutput(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    outputOpen = false
                    close(outputFD)
                    markGone()
                }
            }
            let exitedNow = exitSlot >= 0 ? fds[exitSlot].revents != 0
                : (processDescriptor < 0 && !processExited && hasExited(pid))
            if exitedNow && !processExited {
                processExited = true
                markGone()
                // Whatever is left in the group (a grandchild holding our stdout) goes too.
                signalGroup(pid, SIGKILL)
                drainUntil = ContinuousClock.now + drainTime
            }
        }
        if outputOpen { close(outputFD) }
        if errorOpen { close(errorFD) }
        finishStderr()
        closeInputForGood()
        closeWakePipe()
    }

    /// The worker can take no more calls: tell the observer once, before the reap.
    private func markGone() {
        let first = withState { state -> Bool in
            defer { state.gone = true }
            return !state.gone
        }
        if first { observer.workerGone(self) }
    }

    private func append(_ fds: inout [pollfd], _ fd: Int32, _ events: Int32) -> Int {
        fds.append(pollfd(fd: fd, events: Int16(events), revents: 0))
        return fds.count - 1
    }

    private func signalGroup(_ pid: pid_t, _ signal: Int32) {
        if kill(-pid, signal) != 0 { _ = kill(pid, signal) }
    }

    private func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid != 0
    }

    /// Under the lock: applies deadlines, decides whether stdin closes now, reports what to wait for.
    private func loopSnapshot(now: ContinuousClock.Instant)
        -> (stopping: Bool, nextDeadline: ContinuousClock.Instant?, wantsWrite: Bool, closeInput: Bool)
    {
        withState { state in
            var next: ContinuousClock.Instant?
            if state.stopReason == nil {
                for call in state.calls.values {
                    if let pending = state.aborting[call.wireID] {
                        // Its thread did not end in time: the whole process goes.
                        if pending.giveUpAt <= now { state.stopReason = pending.fallback; break }
                        next = next.map { min($0, pending.giveUpAt) } ?? pending.giveUpAt
                        continue
                    }
                    guard var deadline = call.deadline else { continue }
                    if deadline <= now {
                        if launch.perCall { state.stopReason = .deadline(call); break }
                        deadline = now + abortGrace
                        _ = state.beginAbort(call.wireID, fallback: .deadline(call), giveUpAt: deadline)
                    }
                    next = next.map { min($0, deadline) } ?? deadline
                }
            }
            var closeInput = false
            if state.closeInputWhenFlushed && state.pendingInput.isEmpty && !state.writerBusy && !state.inputClosed {
                state.inputClosed = true
                closeInput = true
            }
            let wantsWrite = !state.pendingInput.isEmpty && !state.inputClosed && !state.writerBusy
            return (state.stopReason != nil, state.stopReason == nil ? next : nil, wantsWrite, closeInput)
        }
    }

    /// Closes stdin once no other thread is writing to it.
    private func closeInputForGood() {
        while true {
            let closeNow: Bool? = withState { state in
                if state.inputClosed { return false }
                if state.writerBusy { return nil }
                state.inputClosed = true
                state.pendingInput = []
                state.pendingRequests = []
                return true
            }
            switch closeNow {
            case .some(true): close(inputFD); return
            case .some(false): return
            case .none: sched_yield()
            }
        }
    }

    /// Demultiplexes stdout into the calls' frames.
    private func handleOutput(_ chunk: UnsafeRawBufferPointer) {
        if case .protocolViolation = withState({ $0.stopReason }) { return }
        let violation = parser.consume(chunk) { event in
            switch event {
            case .header(let header): beginLine(header)
            case .payload(let bytes, let last): forwardPayload(bytes, last: last)
            }
        }
        if let violation {
            stop(.protocolViolation(violation))
        }
    }

    private func beginLine(_ header: ResponseLineParser.Header) {
        if !launch.perCall, handleAbortHeader(header) {
            current = (nil, SY_FRAME_PROGRESS, false, false)
            return
        }
        let call = withState { $0.calls[header.wireID] }
        let kind: UInt32 = switch header.kind {
        case UInt8(ascii: "p"): SY_FRAME_PROGRESS
        case UInt8(ascii: "r"): SY_FRAME_RESULT
        default: SY_FRAME_ERROR
        }
        let terminal = kind != SY_FRAME_PROGRESS
        guard let call, !call.isSettled else {
            current = (nil, kind, terminal, false)
            return
        }
        if header.length > launch.maxOutputBytes {
            current = (nil, kind, terminal, false)
            if launch.perCall {
                stop(.outputLimit(call, header.length))
            } else {
                call.fail(Self.outputLimitFailure(call, header.length, launch.maxOutputBytes))
                endCall(call)
                if !terminal { abandon(call.wireID) }
            }
            return
        }
        if !terminal && !call.admitEvent(bytes: header.length) {
            current = (call, kind, terminal, false)
            return
        }
        current = (call, kind, terminal, true)
    }

    private func forwardPayload(_ bytes: UnsafeRawBufferPointer, last: Bool) {
        guard var line = current else { return }
        if line.forwarding, let call = line.call {
            var flags: UInt32 = last ? 0 : SY_FRAME_FLAG_MORE
            if last && line.terminal {
                flags = SY_FRAME_FLAG_END_OF_STREAM
                // per_call: the tool's answer is complete, so it goes out now; the process is
                // stopped and reaped right after on this thread. (What the adapter decides —
                // timeout, cancel, crash, limits — still waits for the reap: see `finish`.)
                // pooled: the worker's load drops before the host hears the result, so a
                // caller's next call is placed by the worker's true load (a stale count could
                // tie this worker with a busy one and put the next call beside a misbehaving tool).
                if launch.perCall { _ = withState { $0.calls.removeValue(forKey: call.wireID) } } else { endCall(call) }
            }
            if !call.forward(kind: line.frameKind, flags: flags, bytes: bytes) {
                // The host ended the call (its output limit, a release): drop the rest of the
                // line. per_call stops the process; pooled keeps the worker for its other calls.
                line.forwarding = false
                current = line
                if launch.perCall {
                    stop(.hostStopped(call))
                } else if !last || !line.terminal {
                    endCall(call)
                    abandon(call.wireID)
                }
            }
        }
        guard last else { return }
        current = nil
        if line.terminal, let call = line.call {
            if launch.perCall {
                // The worker exits after answering; this also stops what it left behind.
                if line.forwarding { stop(.finishedOneCall) }
            } else {
                endCall(call)
            }
        }
    }

    /// A pooled call ended: forget it and tell the pool (which may dispatch a queued call).
    func endCall(_ call: ToolCall) {
        let removed = withState { $0.calls.removeValue(forKey: call.wireID) } != nil
        guard removed else { return }
        var overMemory = false
        let now = ContinuousClock.now
        if now - lastMemoryCheck > .milliseconds(50), processID > 0 {
            lastMemoryCheck = now
            if let rss = Self.residentKB(processID) { overMemory = rss > launch.memoryCeilingKB }
        }
        observer.workerCallEnded(self, overMemory: overMemory)
        // A short-lived escapee the call started is most likely still alive now: attribute it.
        DescendantSweep.wake()
    }

    /// VmRSS of `pid` in KiB, from /proc/PID/status.
    static func residentKB(_ pid: pid_t) -> Int? {
        let fd = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = read(fd, &bytes, bytes.count)
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[0..<count], as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }

    static func outputLimitFailure(_ call: ToolCall, _ length: Int, _ limit: Int) -> ErrorFrame {
        ErrorFrame(.outputLimit, "tool \"\(call.toolID)\" produced \(length) bytes of output, above max_output_bytes (\(limit))")
    }

    func withState<T>(_ body: (inout State) -> T) -> T {
        state.withLock { body(&$0) }
    }
}
