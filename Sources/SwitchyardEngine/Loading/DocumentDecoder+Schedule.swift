import Foundation
import SwitchyardJSON

extension DocumentDecoder {
    /// `schedule:` checked as compozy's `ValidateSchedule` does: the cron parses, the time zone
    /// exists, the overlap policy is one of four, jitter is a duration, `start_at` is before
    /// `end_at`. Each problem names its field and the value.
    mutating func schedule(_ root: FieldReader) -> WorkflowSchedule? {
        guard let fields = mapping(root, "schedule") else { return nil }
        checkKeys(fields, known: KnownKeys.schedule, in: "a workflow's schedule")
        // Every field is checked even when the cron is missing or wrong, so all problems show.
        var cron: CronSchedule?
        if let expression = string(fields, "cron", required: true) {
            do {
                cron = try CronSchedule(parsing: expression)
            } catch {
                fail(fields.path("cron"), "invalid cron expression '\(expression)': \(error.reason)")
            }
        }
        var schedule = WorkflowSchedule(cron: cron ?? CronSchedule.hourly, declaration: .object(fields.members))
        if let name = string(fields, "timezone"), !name.isEmpty {
            if let zone = TimeZone(identifier: name) {
                schedule.timeZone = zone
            } else {
                fail(fields.path("timezone"), "invalid timezone: unknown time zone \(name)")
            }
        }
        schedule.enabled = bool(fields, "enabled") ?? true
        if let jitter = string(fields, "jitter"), !jitter.isEmpty {
            if let parsed = GoDuration.parse(jitter), parsed >= .zero {
                schedule.jitter = parsed
            } else {
                fail(fields.path("jitter"), "invalid jitter duration: \"\(jitter)\"")
            }
        }
        if let policy = string(fields, "overlap_policy"), !policy.isEmpty {
            if let parsed = WorkflowSchedule.OverlapPolicy(rawValue: policy) {
                schedule.overlapPolicy = parsed
            } else {
                let known = WorkflowSchedule.OverlapPolicy.allCases.map(\.rawValue).joined(separator: ", ")
                fail(fields.path("overlap_policy"), "unsupported overlap_policy: \(policy) (expected one of: \(known))")
            }
        }
        schedule.startAt = instant(fields, "start_at")
        schedule.endAt = instant(fields, "end_at")
        if let start = schedule.startAt, let end = schedule.endAt, start > end {
            fail(fields.path("start_at"), "start_at must be before end_at")
        }
        if let input = fields.members["input"], !input.isNull {
            if input.objectValue == nil {
                fail(fields.path("input"), "expected a mapping, found \(input.typeName)")
            } else {
                schedule.input = input
            }
        }
        return cron == nil ? nil : schedule
    }

    /// An RFC 3339 time (YAML timestamps arrive as text).
    private mutating func instant(_ fields: FieldReader, _ key: String) -> Date? {
        guard let text = string(fields, key), !text.isEmpty else { return nil }
        if let date = ScheduleTime.parse(text) { return date }
        fail(fields.path(key), "expected an RFC 3339 time such as 2024-01-01T00:00:00Z, got \"\(text)\"")
        return nil
    }
}

/// Slot times as the store and the API write them: RFC 3339 in UTC, whole seconds.
public enum ScheduleTime {
    /// `2024-01-01T09:00:00Z`.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// RFC 3339, with or without fractional seconds; nil when it is not one.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
