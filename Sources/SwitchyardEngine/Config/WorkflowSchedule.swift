import Foundation
import SwitchyardJSON

/// A workflow's `schedule:` (compozy's `workflow.Schedule`): when `serve` starts the workflow
/// by itself, with what input, and what happens when a run is still going at the next slot.
public struct WorkflowSchedule: Sendable, Hashable {
    /// `overlap_policy`: what a slot does while an execution this schedule started still runs.
    public enum OverlapPolicy: String, Sendable, Hashable, CaseIterable {
        /// The default: the slot is skipped.
        case skip
        /// The slot starts another execution beside the running one.
        case allow
        /// The slot waits and starts when the running one ends; a later slot replaces it.
        case bufferOne = "buffer_one"
        /// The running executions are canceled and the slot starts a new one.
        case cancelOther = "cancel_other"
    }

    /// `cron`.
    public var cron: CronSchedule
    /// `timezone`: an IANA name; UTC when not given.
    public var timeZone: TimeZone
    /// `enabled` (default true).
    public var enabled: Bool
    /// `jitter`: each slot fires up to this much later (the same delay in every process).
    public var jitter: Duration?
    /// `overlap_policy` (default skip).
    public var overlapPolicy: OverlapPolicy
    /// `start_at`: no slot before it.
    public var startAt: Date?
    /// `end_at`: no slot after it.
    public var endAt: Date?
    /// `input`: the input of every execution the schedule starts.
    public var input: JSONValue
    /// The mapping as written (the API's `yaml_config`; a change of it drops API overrides).
    public var declaration: JSONValue

    /// Creates a schedule.
    public init(cron: CronSchedule, timeZone: TimeZone = TimeZone(identifier: "UTC")!, enabled: Bool = true,
                jitter: Duration? = nil, overlapPolicy: OverlapPolicy = .skip, startAt: Date? = nil,
                endAt: Date? = nil, input: JSONValue = .emptyObject, declaration: JSONValue = .emptyObject) {
        self.cron = cron
        self.timeZone = timeZone
        self.enabled = enabled
        self.jitter = jitter
        self.overlapPolicy = overlapPolicy
        self.startAt = startAt
        self.endAt = endAt
        self.input = input
        self.declaration = declaration
    }

    /// The time zone's name as written, `UTC` when not given (the API's `timezone`).
    public var timeZoneName: String {
        guard let name = declaration["timezone"]?.stringValue, !name.isEmpty else { return "UTC" }
        return name
    }
}
