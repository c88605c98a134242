import Foundation
import Synchronization
import SwitchyardEngine
import SwitchyardRuntime

/// Shows one execution of `run` or `resume` on stderr, as its `DisplayMode` says: events go to
/// `observer`, which only records them (and, in plain mode, prints lines); in live mode a timer
/// redraws the view at most ten times a second. Nothing is printed before `begin`, so the exec
/// id is always the first line, even when a task starts before `start` returns.
final class RunDisplay: Sendable {
    let mode: DisplayMode
    private let workflowID: String?
    private let state: Mutex<State>
    private let terminal = TerminalView()
    private let timer = Mutex(TimerSlot())
    private let capture = Mutex<StderrCapture?>(nil)
    private let startedAt = ContinuousClock.now

    private struct State {
        var progress: RunProgress
        /// Lines waiting for `begin` (plain mode) or for the next redraw (live mode).
        var pending: [String] = []
        var begun = false
        var canceling = false
        var finished = false
        /// Something changed since the last redraw.
        var dirty = true
    }

    /// - Parameters:
    ///   - workflowID: the workflow, when known before the run (`run`; `resume` reads it from the store).
    ///   - topLevelTotal: the workflow's task count, for the "done/total" of the live view.
    init(mode: DisplayMode, workflowID: String?, topLevelTotal: Int?) {
        self.mode = mode
        self.workflowID = workflowID
        self.state = Mutex(State(progress: RunProgress(topLevelTotal: topLevelTotal)))
    }

    /// Receives the engine's events, on the engine's tasks.
    var observer: ExecutionObserver {
        { [self] event in self.record(event) }
    }

    /// Prints the exec id line (live mode and `-v`), then whatever waited for it, and starts the
    /// live view's redraws.
    func begin(execID: String, resuming: Bool) {
        let first = DisplayText.execLine(execID: execID, workflowID: workflowID, resuming: resuming)
        let lines: [String] = state.withLock { state in
            state.begun = true
            defer { state.pending = [] }
            switch mode {
            case .live, .plain(verbose: true): return [first] + state.pending
            default: return state.pending
            }
        }
        if case .live = mode {
            terminal.commit(lines)
            startCapture()
            startRedraws()
        } else {
            TerminalView.write(lines)
        }
    }

    /// Shows that a cancel was asked for and is under way.
    func canceling() {
        state.withLock { $0.canceling = true; $0.dirty = true }
        // Shown at once, not at the next tick: a person pressing Ctrl-C wants to see it taken.
        if case .live = mode { return redraw() }
        TerminalView.write(["canceling: stopping the running tool calls (press Ctrl-C again to exit at once)"])
    }

    /// Stops the view and prints the summary line (live mode and `-v`).
    func finish(_ result: WorkflowResult) {
        stopRedraws()
        stopCapture()
        let elapsed = ContinuousClock.now - startedAt
        let (pending, summary) = state.withLock { state in
            state.finished = true
            defer { state.pending = [] }
            return (state.pending, DisplayText.summary(result, elapsed: elapsed, progress: state.progress))
        }
        switch mode {
        case .live:
            terminal.commit(pending + [summary])
        case .plain(verbose: true):
            TerminalView.write(pending + [summary])
        default:
            TerminalView.write(pending)
        }
    }

    /// Clears the live view so that lines printed next (an error, a second Ctrl-C's notice) stand alone.
    func clear() {
        stopRedraws()
        stopCapture()
        let pending = state.withLock { state in
            state.finished = true
            defer { state.pending = [] }
            return state.pending
        }
        if case .live = mode { terminal.commit(pending) } else { TerminalView.write(pending) }
    }

    private func record(_ event: ExecutionEvent) {
        let now = ContinuousClock.now
        let verbose = mode.verbose
        let lines: [String] = state.withLock { state in
            let changed = state.progress.apply(event, at: now)
            state.dirty = true
            var lines: [String] = []
            switch (event, mode) {
            case (.toolFailed(_, _, let error), _):
                lines.append(DisplayText.oneLine(error.description, verbose: verbose))
                if verbose, let details = error.details, !details.isEmpty {
                    lines += details.split(separator: "\n").map { DisplayText.logLine(String($0)) }
                }
            case (.taskStarted(_, _, let path), .plain(verbose: true)):
                lines.append("  ... \(path)")
            case (.taskFinished, .plain(verbose: true)), (.taskRestored, .plain(verbose: true)):
                if let changed { lines.append(DisplayText.finishedLine(changed, verbose: true)) }
            case (.toolLog(_, _, _, let message), .plain(verbose: true)):
                if let changed { lines.append("  \(changed.path) | \(message)") }
            case (.toolProgress(_, _, let progress), .plain(verbose: true)):
                if let changed { lines.append("  \(changed.path) progress \(DisplayText.progressText(progress))") }
            case (.taskFinished(_, _, _, let status, _), .live), (.taskRestored(_, _, _, let status), .live):
                guard let changed else { break }
                lines.append(DisplayText.finishedLine(changed, verbose: verbose))
                // A tool's log stays under its task when the task failed (or with -v), instead
                // of scrolling past anonymously while it ran.
                if !changed.restored, verbose || (status != .success && status != .canceled) {
                    if changed.droppedLogs > 0 { lines.append(DisplayText.droppedLine(changed.droppedLogs)) }
                    lines += changed.logs.map(DisplayText.logLine)
                }
            default:
                break
            }
            guard !lines.isEmpty else { return [] }
            // Before `begin` everything waits; in live mode the redraw prints it above the view.
            if !state.begun || mode.isLive { state.pending += lines; return [] }
            return lines
        }
        TerminalView.write(lines)
    }

    /// Other stderr writers (log lines) are printed above the view rather than through it.
    private func startCapture() {
        let started = StderrCapture { [self] line in
            self.state.withLock { state in
                state.pending.append(line)
                state.dirty = true
            }
        }
        guard let started else { return }
        terminal.use(fd: started.terminal)
        capture.withLock { $0 = started }
    }

    private func stopCapture() {
        guard let running = capture.withLock({ capture in defer { capture = nil }; return capture }) else { return }
        running.stop()
        terminal.use(fd: STDERR_FILENO)
    }

    private func startRedraws() {
        let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "switchyard.display"))
        source.schedule(deadline: .now(), repeating: .milliseconds(100))
        source.setEventHandler { [self] in self.redraw() }
        timer.withLock { $0.source = source }
        source.resume()
    }

    private func stopRedraws() {
        guard let source = timer.withLock({ timer in defer { timer.source = nil }; return timer.source }) else { return }
        // Waits for a redraw in progress: after this, only `commit` touches the terminal.
        let done = DispatchSemaphore(value: 0)
        source.setCancelHandler { done.signal() }
        source.cancel()
        done.wait()
    }

    private func redraw() {
        let now = ContinuousClock.now
        let width = TerminalView.columns
        let frame: (committed: [String], view: [String])? = state.withLock { state in
            // The clock in the view moves, so a view with running tasks is redrawn every tick.
            guard !state.finished, state.dirty || !state.progress.running.isEmpty || state.canceling else { return nil }
            state.dirty = false
            defer { state.pending = [] }
            return (state.pending, Self.view(state, workflowID: workflowID, now: now, elapsed: now - startedAt))
        }
        guard let frame else { return }
        terminal.draw(committed: frame.committed, view: frame.view.map { DisplayText.fitted($0, width: width - 1) })
    }

    private static func view(_ state: State, workflowID: String?, now: ContinuousClock.Instant, elapsed: Duration) -> [String] {
        var lines = [DisplayText.header(workflowID: workflowID, progress: state.progress, elapsed: elapsed)]
        let running = state.progress.running
        for task in running.prefix(8) {
            lines.append(DisplayText.runningLine(task, now: now))
            lines += task.logs.suffix(2).map(DisplayText.logLine)
        }
        if running.count > 8 { lines.append("  ... and \(running.count - 8) more running") }
        if state.canceling {
            lines.append("  canceling: stopping the running tool calls (press Ctrl-C again to exit at once, leaving it resumable)")
        }
        return lines
    }
}

/// The redraw timer, guarded by the display's `timer` lock (a dispatch source is thread-safe).
private struct TimerSlot: @unchecked Sendable {
    var source: (any DispatchSourceTimer)?
}

extension DisplayMode {
    var isLive: Bool { if case .live = self { true } else { false } }
}
