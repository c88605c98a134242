import Foundation
import SwitchyardJSON

/// One slot of a workflow's schedule as the store records it: the row whose unique key
/// (`workflow_id`, `slot`) lets exactly one process, once, decide what the slot does.
public struct ScheduleSlotRecord: Sendable, Hashable {
    /// What the slot did.
    public struct Outcome: RawRepresentable, Sendable, Hashable {
        /// The outcome's name, as stored.
        public let rawValue: String
        /// Creates an outcome.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// It started its execution.
        public static let started = Outcome(rawValue: "started")
        /// It was skipped: an execution of the schedule was still running (`overlap_policy: skip`),
        /// or a later slot replaced it while it was buffered.
        public static let skipped = Outcome(rawValue: "skipped")
        /// It waits for the running execution to end (`overlap_policy: buffer_one`).
        public static let buffered = Outcome(rawValue: "buffered")
    }

    /// The workflow.
    public var workflowID: String
    /// The slot's nominal time, RFC 3339 in UTC to the second (`ScheduleTime`).
    public var slot: String
    /// The execution the slot starts (or would have started), derived from workflow and slot.
    public var execID: String
    /// What it did.
    public var outcome: Outcome
    /// When it was recorded.
    public var recordedAt: String

    /// Creates a record.
    public init(workflowID: String, slot: String, execID: String, outcome: Outcome, recordedAt: String) {
        self.workflowID = workflowID
        self.slot = slot
        self.execID = execID
        self.outcome = outcome
        self.recordedAt = recordedAt
    }
}

/// A change of a schedule made over the API (`PATCH`/`DELETE /schedules/{workflow_id}`), kept in
/// the store so that every process on it sees it, until the workflow file's `schedule:` changes.
public struct ScheduleOverride: Sendable, Hashable {
    /// The workflow.
    public var workflowID: String
    /// `enabled` set over the API, if it was.
    public var enabled: Bool?
    /// `cron` set over the API, if it was.
    public var cron: String?
    /// Removed over the API (`DELETE`): no slot fires and the routes answer 404.
    public var deleted: Bool
    /// A digest of the `schedule:` mapping it was made against; another one drops it.
    public var declarationDigest: String
    /// When it was made.
    public var modifiedAt: String

    /// Creates an override.
    public init(workflowID: String, enabled: Bool? = nil, cron: String? = nil, deleted: Bool = false,
                declarationDigest: String, modifiedAt: String) {
        self.workflowID = workflowID
        self.enabled = enabled
        self.cron = cron
        self.deleted = deleted
        self.declarationDigest = declarationDigest
        self.modifiedAt = modifiedAt
    }
}

/// A store that records the slots of workflow schedules and the API's overrides of them, so that
/// a slot fires exactly once across restarts and across every `serve` process on the store.
public protocol ScheduleStore: ExecutionStore {
    /// Records slot `slot` of `workflowID`, deciding in the same atomic step what it does from
    /// `policy` and whether an execution an earlier slot started is still running (PENDING,
    /// RUNNING, WAITING or PAUSED): `skip` skips it then, `buffer_one` buffers it (and turns an
    /// earlier buffered slot into a skipped one), `allow` and `cancel_other` start it.
    /// - Returns: the recorded slot, or nil when the slot was already recorded (by this or
    ///   another process): the caller does not start it.
    /// - Throws: `StoreError`.
    func claimScheduleSlot(workflowID: String, slot: String, execID: String,
                           policy: WorkflowSchedule.OverlapPolicy) async throws -> ScheduleSlotRecord?

    /// Turns the buffered slot of `workflowID` into a started one when no execution of its
    /// schedule runs any more; only one caller, in any process, gets it.
    /// - Returns: the slot to start now, or nil.
    /// - Throws: `StoreError`.
    func startBufferedScheduleSlot(workflowID: String) async throws -> ScheduleSlotRecord?

    /// Started slots of `workflowID` recorded between `after` and `before` whose execution is
    /// not recorded: the process that claimed them ended before it recorded the execution.
    /// - Throws: `StoreError`.
    func unstartedScheduleSlots(workflowID: String, recordedAfter after: String,
                                before: String) async throws -> [ScheduleSlotRecord]

    /// The executions slots of `workflowID` started that have not ended.
    /// - Throws: `StoreError`.
    func runningScheduledExecutions(workflowID: String) async throws -> [String]

    /// The newest started slot of `workflowID`, with its execution's status (nil when the
    /// execution is not recorded).
    /// - Throws: `StoreError`.
    func lastStartedScheduleSlot(workflowID: String) async throws -> (slot: ScheduleSlotRecord, status: ExecutionStatus?)?

    /// Every override, by workflow.
    /// - Throws: `StoreError`.
    func scheduleOverrides() async throws -> [String: ScheduleOverride]

    /// Stores `override` in place of the workflow's previous one.
    /// - Throws: `StoreError`.
    func saveScheduleOverride(_ override: ScheduleOverride) async throws

    /// Removes the workflow's override, if any.
    /// - Throws: `StoreError`.
    func removeScheduleOverride(workflowID: String) async throws
}

extension ExecutionStore {
    /// This store (or the one it wraps) as a `ScheduleStore`; nil for one without schedules.
    public var scheduleStore: (any ScheduleStore)? { unwrapped(as: (any ScheduleStore).self) }
}

extension ScheduleSlotRecord {
    /// How long after its claim a started slot whose execution is not recorded yet still counts
    /// as running: the claiming process records it right after the claim, and one that died in
    /// between stops holding the schedule back after this.
    public static let startWindow: TimeInterval = 30

    /// The statuses in which a scheduled execution counts as running for the overlap policy.
    public static let runningStatuses: [ExecutionStatus] = [.pending, .running, .waiting, .paused]
    /// The statuses as an SQL list.
    static let runningStatusList = runningStatuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// The `CASE` that decides a claimed slot's outcome from `policy` (first bind) and whether
    /// a scheduled execution runs (`RUNNING_EXISTS`, an SQL boolean expression).
    static func outcomeCase(policy: String, running: String) -> String {
        """
        CASE WHEN \(policy) IN ('allow', 'cancel_other') THEN 'started'
             WHEN \(running) THEN (CASE WHEN \(policy) = 'buffer_one' THEN 'buffered' ELSE 'skipped' END)
             ELSE 'started' END
        """
    }
}
