#if canImport(Glibc)
import Glibc
#endif
import Subprocess
import SwitchyardABI
import SwitchyardAdapterKit

extension WorkerProcess {
    /// Runs after the process was reaped and the I/O thread ended: every call still owed a
    /// terminal frame gets exactly one, chosen by why the process ended.
    func finish(status: TerminationStatus?, spawnFailure: (any Error)?) {
        // What escaped the process group (a `setsid` grandchild) goes before any call ends.
        DescendantReaper.reap(marker: marker, group: processID)
        let runtime = launch.runtimeName
        let startFailure = spawnFailure.map { SpawnFailure.message(runtime: runtime, executable: launch.executable, $0) }
        let (calls, reason, delivered) = withState { state -> ([ToolCall], StopReason?, Set<UInt64>) in
            state.finished = true
            state.startFailure = startFailure
            let calls = state.calls.values.sorted { $0.wireID < $1.wireID }
            state.calls = [:]
            return (calls, state.stopReason, state.delivered)
        }
        let tail = stderrCapture.tail
        var undelivered: [ToolCall] = []
        for call in calls where !call.isSettled {
            // A pooled worker that died on its own (or never started) never saw this request
            // (not one byte reached its stdin): the call never ran, so another worker may take it.
            if !launch.perCall, reason == nil, spawnFailure != nil || !delivered.contains(call.wireID),
               !call.cancelRequested, call.claimRedispatch() {
                undelivered.append(call)
                continue
            }
            if call.cancelRequested {
                call.fail(.canceled, "the call to tool \"\(call.toolID)\" was canceled; its \(runtime) process group was stopped")
                continue
            }
            if let startFailure {
                call.fail(.crashed, startFailure)
                continue
            }
            switch reason {
            case .deadline(let late) where late === call:
                call.fail(.timeout, "tool \"\(call.toolID)\" passed its timeout of \(call.timeoutMS) ms; its \(runtime) process group was stopped", details: tail)
            case .deadline(let late):
                call.fail(.crashed, "the \(runtime) worker was stopped because a call to tool \"\(late.toolID)\" on the same worker passed its deadline and its worker thread did not end within \(abortGrace)", details: tail)
            case .canceled(let canceled):
                call.fail(.crashed, "the \(runtime) worker was stopped because a call to tool \"\(canceled.toolID)\" on the same worker was canceled and its worker thread did not end within \(abortGrace)", details: tail)
            case .outputLimit(let large, let length) where large === call:
                call.fail(Self.outputLimitFailure(call, length, launch.maxOutputBytes))
            case .outputLimit(let large, _), .hostStopped(let large):
                call.fail(.crashed, "the \(runtime) worker was stopped because of a call to tool \"\(large.toolID)\"", details: tail)
            case .protocolViolation(let excerpt):
                call.fail(.protocol, "the \(runtime) worker broke the output protocol while running tool \"\(call.toolID)\": \(excerpt)", details: tail)
            case .shutdown:
                call.fail(.canceled, "the adapter instance was destroyed while tool \"\(call.toolID)\" ran")
            case .finishedOneCall, nil:
                call.fail(.crashed, "the \(runtime) process running tool \"\(call.toolID)\" \(Self.describe(status)) before answering", details: tail)
            }
        }
        observer.workerExited(self, undelivered: undelivered)
        exited.signal()
    }

    /// Closes the parent ends when the process never started (no I/O thread ran).
    func closeParentEnds() {
        withState { state in
            state.inputClosed = true
            state.pendingInput = []
        }
        for fd in [inputFD, outputFD, errorFD] { close(fd) }
        closeWakePipe()
    }

    /// The wake pipe's write end may be used by `wake()` on any thread: both ends close under
    /// the state lock, and `wake()` checks `wakeClosed` under it too.
    func closeWakePipe() {
        withState { state in
            state.wakeClosed = true
            close(wakeFD)
            close(wakeReadFD)
        }
    }

    static func describe(_ status: TerminationStatus?) -> String {
        switch status {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal):
            let name = String(cString: strsignal(signal))
            return "was killed by signal \(signal) (\(name))"
        case nil: return "ended"
        }
    }
}
