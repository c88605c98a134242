import Glibc
import SwitchyardABI
import SwitchyardAdapterKit

extension WorkerProcess {
    /// Reads what the stderr pipe holds now (until it would block) and routes its lines; false
    /// once the pipe is closed. Called before every stdout read too, so a call's stderr lines,
    /// which its runtime wrote before its answer, reach the call before its terminal frame.
    func readStderr(into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        while true {
            let count = read(errorFD, buffer.baseAddress, buffer.count)
            if count > 0 {
                stderrCapture.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { routeStderrLine($0, wireID: $1) }
                if count < buffer.count { return true }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == EAGAIN { return true }
            close(errorFD)
            return false
        }
    }

    /// The process exited and its pipes are drained: a last unterminated line, then the notice
    /// for lines no call claimed that the worker's budget dropped.
    func finishStderr() {
        stderrCapture.finish { routeStderrLine($0, wireID: $1) }
        if let notice = unclaimedStderr.droppedNotice("\(launch.runtimeName) worker \(processID)") {
            launch.host.log(SY_LOG_WARNING, notice)
        }
    }

    /// One stderr line to its call's log (the call its mark names; else the one call the process
    /// holds, which per_call is always so), or, when no call claims it, to the host log under
    /// the worker's own budget.
    private func routeStderrLine(_ line: UnsafeRawBufferPointer, wireID: UInt64?) {
        let call = withState { state -> ToolCall? in
            if let wireID { return state.calls[wireID] }
            return state.calls.count == 1 ? state.calls.first?.value : nil
        }
        if let call, call.logStderr(line) { return }
        guard unclaimedStderr.admit(bytes: line.count) else { return }
        launch.host.log(SY_LOG_INFO, line)
    }
}
