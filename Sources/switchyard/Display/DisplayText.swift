import Foundation
import SwitchyardEngine
import SwitchyardJSON

/// The lines of the display, as plain text (the terminal view adds only cursor movement).
enum DisplayText {
    /// `0.42s`, `12.3s`, `2m05s`, `1h02m`.
    static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) + Double(attoseconds) / 1e18
        if total < 10 { return String(format: "%.2fs", total) }
        if total < 60 { return String(format: "%.1fs", total) }
        let whole = Int(total)
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, (whole % 3600) / 60)
    }

    /// The first line the execution prints: its id, before any task runs.
    static func execLine(execID: String, workflowID: String?, resuming: Bool) -> String {
        let workflow = workflowID.map { " workflow \"\($0)\"" } ?? ""
        return "\(resuming ? "resuming exec" : "exec") \(execID)\(workflow)"
    }

    /// `  ok pick -> fine (route "good")  0.01s`, `  !! broken FAILED 0.02s: why`,
    /// `  = one SUCCESS (checkpoint)`: a task that ended, as it stays on screen.
    static func finishedLine(_ task: RunProgress.TaskState, verbose: Bool) -> String {
        let status = task.status ?? .failed
        if task.restored { return "  = \(task.path) \(status.rawValue) (checkpoint)" }
        let mark = switch status {
        case .success: "ok"
        case .canceled: "--"
        default: "!!"
        }
        var line = "  \(mark) \(task.path)"
        if let route = task.route { line += " -> \(route.target) (route \"\(route.key)\")" }
        if status != .success { line += " \(status.rawValue)" }
        line += " " + duration(task.duration(at: task.endedAt ?? task.startedAt))
        if let error = task.error, status != .canceled { line += ": " + oneLine(error.message, verbose: verbose) }
        return line
    }

    /// A tool's log line under its task.
    static func logLine(_ message: String) -> String { "      | " + message }

    /// `      | (N earlier lines not kept)` when a task logged more than the display keeps.
    static func droppedLine(_ count: Int) -> String { "      | (\(count) earlier line\(count == 1 ? "" : "s") not kept)" }

    /// `SUCCESS workflow "wf" in 3.21s (exec ID): fetch 2.10s, pick 0.00s, ... and 3 more`.
    static func summary(_ result: WorkflowResult, elapsed: Duration, progress: RunProgress) -> String {
        var line = "\(result.status.rawValue) workflow \"\(result.workflowID)\" in \(duration(elapsed)) (exec \(result.execID))"
        let timings = progress.topLevelTimings
        let shown = timings.prefix(8).map { "\($0.path) \(duration($0.duration))" }
        if !shown.isEmpty {
            line += ": " + shown.joined(separator: ", ")
            if timings.count > shown.count { line += ", and \(timings.count - shown.count) more" }
        }
        let (_, children, _) = progress.counts
        if children > 0 { line += " (\(children) child task\(children == 1 ? "" : "s"))" }
        return line
    }

    /// The header of the live view: `wf: 3/7 tasks done, 12/30 children, 2 running, 12.4s`.
    static func header(workflowID: String?, progress: RunProgress, elapsed: Duration) -> String {
        let (done, children, childrenDone) = progress.counts
        var line = "  \(workflowID ?? "workflow"): \(done)\(progress.topLevelTotal.map { "/\($0)" } ?? "") tasks done"
        if children > 0 { line += ", \(childrenDone)/\(children) children" }
        let running = progress.running.count
        if running > 0 { line += ", \(running) running" }
        return line + ", " + duration(elapsed)
    }

    /// A running task in the live view: `  > fetch 4.1s {"page":3}`.
    static func runningLine(_ task: RunProgress.TaskState, now: ContinuousClock.Instant) -> String {
        var line = "  > \(task.path) \(duration(task.duration(at: now)))"
        if let progress = task.progress { line += " " + progressText(progress) }
        return line
    }

    /// A progress object as short text: a `message` member if it has one, else compact JSON.
    static func progressText(_ progress: JSONValue) -> String {
        if let message = progress["message"]?.stringValue { return message }
        return progress.jsonString
    }

    /// The first line of `text`, with a note when lines were left out (all of it when `verbose`).
    static func oneLine(_ text: String, verbose: Bool) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1, !verbose else { return text }
        return String(lines[0]) + " (… \(lines.count - 1) more line\(lines.count == 2 ? "" : "s"); -v shows them)"
    }

    /// `switchyard resume EXEC_ID [--project DIR]`, quoted for a POSIX shell where needed.
    static func resumeCommand(execID: String, project: String) -> String {
        var words = ["switchyard", "resume", execID]
        if project != "." { words += ["--project", project] }
        return words.map(shellQuoted).joined(separator: " ")
    }

    private static func shellQuoted(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || "0123456789-_./:=@%+,".unicodeScalars.contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `text` cut to `width` characters, so a line never wraps (a wrapped line would break the
    /// cursor arithmetic of the redraw).
    static func fitted(_ text: String, width: Int) -> String {
        let flat = text.contains("\n") ? text.replacingOccurrences(of: "\n", with: " ") : text
        guard flat.count > width else { return flat }
        return String(flat.prefix(max(width - 1, 1))) + "…"
    }
}
