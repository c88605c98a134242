import Crypto
import Foundation
import SwitchyardEngine
import SwitchyardJSON

/// A workflow's schedule as it runs: the file's `schedule:` with the API's override applied, as
/// long as the override was made against the same `schedule:` (compozy keeps an API override until
/// the YAML changes; here it is kept in the store, so it also outlives a restart).
struct EffectiveSchedule {
    /// The file's schedule.
    let schedule: WorkflowSchedule
    /// The override in force, if any.
    let override: ScheduleOverride?

    /// Nil when the workflow has no schedule or it was removed over the API (`DELETE`).
    init?(_ workflow: WorkflowConfig, override: ScheduleOverride?) {
        guard let schedule = workflow.schedule else { return nil }
        self.schedule = schedule
        let current = override.flatMap { $0.declarationDigest == Self.digest(schedule) ? $0 : nil }
        if current?.deleted == true { return nil }
        self.override = current
    }

    var enabled: Bool { override?.enabled ?? schedule.enabled }
    var cron: String { override?.cron ?? schedule.cron.expression }
    var isOverride: Bool { override != nil }

    /// The cron in force (an override's was checked when it was made).
    var parsedCron: CronSchedule? {
        guard let text = override?.cron else { return schedule.cron }
        return try? CronSchedule(parsing: text)
    }

    /// Whether a slot lies inside `start_at`…`end_at`.
    func admits(_ slot: Date) -> Bool {
        if let start = schedule.startAt, slot < start { return false }
        if let end = schedule.endAt, slot > end { return false }
        return true
    }

    /// The next slot after `date` that `start_at`/`end_at` admit, or nil.
    func nextSlot(after date: Date) -> Date? {
        guard enabled, let cron = parsedCron else { return nil }
        var from = date
        if let start = schedule.startAt, start > from { from = start.addingTimeInterval(-1) }
        guard let next = cron.nextSlot(after: from, in: schedule.timeZone), admits(next) else { return nil }
        return next
    }

    /// SHA-256 of the `schedule:` mapping as written (keys sorted).
    static func digest(_ schedule: WorkflowSchedule) -> String {
        SHA256.hash(data: Array(schedule.declaration.jsonString.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
