#if canImport(Glibc)
import Glibc
#endif
import CIsolationSupport
import Foundation
import Subprocess
import SwitchyardJSON
import SwitchyardRuntime

extension HelperProcess {
    /// Runs the I/O loop on its own thread (it blocks in poll) and waits for it.
    func serve(_ pid: pid_t, descriptor: Int32) async {
        let killedEarly = state.withLock { state in
            state.processID = pid
            return state.stopReason != nil
        }
        if killedEarly { Self.killGroup(pid) }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in
                runLoop()
                awaitExit(pid, descriptor: descriptor)
                done.resume()
            }
            thread.name = "switchyard-helper-io"
            thread.start()
        }
    }

    /// Serves the pipes until the helper's stdout closes (or a frame breaks the protocol).
    private func runLoop() {
        var scratch: UInt64 = 0
        // Made once: this loop runs once per frame the I/O thread reads.
        var fds = [pollfd(fd: output.readiness, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)]
        while true {
            let wantsWrite = state.withLock { !$0.backlog.isEmpty && !$0.inputClosed }
            for index in fds.indices { fds[index].revents = 0 }
            if poll(&fds, wantsWrite ? 3 : 2, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 {
                while read(wakeReadFD, &scratch, MemoryLayout<UInt64>.size) > 0 {}
            }
            if wantsWrite, fds[2].revents != 0 { flushBacklog() }
            guard fds[0].revents != 0 else { continue }
            if readOutput() == .ended { break }
        }
        output.end()
    }

    /// Reads and routes what the helper's stdout holds now.
    func readOutput() -> HelperOutputReader.Outcome {
        output.drain(route: route) { error in kill(reason: "its helper broke the frame protocol (\(error))") }
    }

    /// Reads the helper's answers on the calling thread until `done()`, for at most `budget`
    /// (see ``HelperOutputReader``); returns at once when another thread reads.
    func readWhileWaiting(budget: Duration, until done: () -> Bool) {
        output.readWhileWaiting(budget: budget, until: done, route: route) { error in
            kill(reason: "its helper broke the frame protocol (\(error))")
        }
    }

    private func flushBacklog() {
        state.withLock { state in
            guard !state.inputClosed, !state.backlog.isEmpty else { return }
            let written = Self.writeNonBlocking(inputFD, state.backlog[...])
            state.backlog.removeFirst(written)
        }
    }

    /// Hands one frame to its call (or to the readiness of the helper itself).
    private func route(_ frame: HelperFrame) {
        switch frame.kind {
        case .ready:
            let info = try? JSONValue(parsing: frame.payload)
            let spoken = info?.objectValue?["protocol"]?.intValue
            if spoken == Int64(HelperFrame.protocolVersion) {
                settleReadiness(.success(()))
            } else {
                settleReadiness(.failure(ToolError(
                    .load, "adapter \(configuration.adapterID): its helper \(executable) speaks frame protocol "
                        + "\(spoken.map(String.init) ?? "?"), the host \(HelperFrame.protocolVersion) (a helper from another build)")))
                kill(reason: "its helper speaks another frame protocol")
            }
        case .startFailed:
            settleReadiness(.failure(HelperPayload.toolError(from: frame.payload, adapterID: configuration.adapterID)))
        default:
            let call = state.withLock { $0.calls[frame.callID] }
            guard let call else { return }  // a call the host already gave up on
            if !call.receive(frame) {
                kill(reason: "its helper sent a malformed \(frame.kind) frame for tool \"\(call.toolID)\"")
            }
        }
    }

    /// After stdout closed: the helper gets `killGrace` to exit, then SIGKILL; its group dies.
    private func awaitExit(_ pid: pid_t, descriptor: Int32) {
        if descriptor >= 0 {
            var exitFD = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: killGrace.wholeMilliseconds)
            while poll(&exitFD, 1, milliseconds) < 0 && errno == EINTR {}
            if exitFD.revents == 0 { Self.killGroup(pid) }
        } else {
            Self.killGroup(pid)
        }
        // Anything the helper left in its group (a plugin's own children) goes with it.
        _ = Glibc.kill(-pid, SIGKILL)
        closeParentEnds()
    }

    func closeParentEnds() {
        let first = state.withLock { state -> Bool in
            guard !state.inputClosed else { return false }
            state.inputClosed = true
            state.backlog = []
            close(inputFD)
            close(wakeReadFD)
            close(wakeWriteFD)
            return true
        }
        // Outside the state lock: a reader holds its own lock while it routes frames, which
        // takes the state lock.
        if first { output.closeDescriptors() }
    }

    /// The helper was reaped: readiness fails if it never came, every unfinished call is handed
    /// to the observer, and waiters on the exit resume.
    func finish(status: String) {
        let (calls, reason, shutdown) = state.withLock { state in
            let calls = state.calls.values.sorted { $0.id < $1.id }
            state.calls = [:]
            state.exited = true
            return (calls, state.stopReason, state.shutdownRequested)
        }
        settleReadiness(.failure(ToolError(
            .crashed, "adapter \(configuration.adapterID): its helper process \(status) before it was ready"
                + (reason.map { " (\($0))" } ?? ""))))
        observer.helperExited(self, exit: HelperExit(status: status, stopReason: reason, wasShutDown: shutdown),
                              unfinished: calls)
        let waiters = state.withLock { state in
            state.reaped = true
            defer { state.exitWaiters = [] }
            return state.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// `exited with status 3` or `was killed by signal 11 (SIGSEGV)`.
    static func describe(_ status: TerminationStatus) -> String {
        switch status {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal):
            let name = sy_isolation_signal_name(signal).map { String(cString: $0) } ?? String(cString: strsignal(signal))
            return "was killed by signal \(signal) (\(name))"
        }
    }
}
