import Foundation
import SwitchyardEngine
import SwitchyardJSON

/// What the `/schedules` routes read and change.
extension WorkflowScheduler {
    /// compozy's `ScheduleInfoResponse` of every scheduled workflow, in the project's order.
    func schedules() async throws -> [JSONValue] {
        let overrides = try await engine.store.scheduleStore?.scheduleOverrides() ?? [:]
        var infos: [JSONValue] = []
        for workflow in scheduledWorkflows {
            if let effective = EffectiveSchedule(workflow, override: overrides[workflow.id]) {
                infos.append(try await info(workflow, effective))
            }
        }
        return infos
    }

    /// One workflow's schedule.
    /// - Throws: `APIError` 404 when the workflow has no schedule (or it was removed).
    func schedule(_ workflowID: String) async throws -> JSONValue {
        let (workflow, effective) = try await current(workflowID)
        return try await info(workflow, effective)
    }

    /// Stores an override of `enabled` and/or `cron` (on top of an earlier one).
    /// - Throws: `APIError` 404, or 400 (`kind: invalid_cron`) for a cron that does not parse.
    func update(_ workflowID: String, enabled: Bool?, cron: String?) async throws -> JSONValue {
        let (workflow, effective) = try await current(workflowID)
        if let cron {
            do { _ = try CronSchedule(parsing: cron) } catch {
                throw APIError(.badRequest, "INVALID_CRON", "invalid cron expression '\(cron)': \(error.reason)",
                               kind: "invalid_cron")
            }
        }
        let store = try writableStore()
        var override = effective.override ?? ScheduleOverride(
            workflowID: workflowID, declarationDigest: EffectiveSchedule.digest(effective.schedule), modifiedAt: "")
        if let enabled { override.enabled = enabled }
        if let cron { override.cron = cron }
        override.modifiedAt = Timestamp.now()
        try await store.saveScheduleOverride(override)
        return try await info(workflow, EffectiveSchedule(workflow, override: override)!)
    }

    /// Removes the schedule until the file's `schedule:` changes.
    /// - Throws: `APIError` 404.
    func delete(_ workflowID: String) async throws {
        let (_, effective) = try await current(workflowID)
        let store = try writableStore()
        try await store.saveScheduleOverride(ScheduleOverride(
            workflowID: workflowID, deleted: true, declarationDigest: EffectiveSchedule.digest(effective.schedule),
            modifiedAt: Timestamp.now()))
    }

    private func current(_ workflowID: String) async throws -> (WorkflowConfig, EffectiveSchedule) {
        guard let workflow = engine.project.workflow(workflowID), workflow.schedule != nil else {
            throw APIError.notFound("no schedule for workflow \"\(workflowID)\"", kind: "schedule_not_found")
        }
        let override = try await engine.store.scheduleStore?.scheduleOverrides()[workflowID]
        guard let effective = EffectiveSchedule(workflow, override: override) else {
            throw APIError.notFound("the schedule of workflow \"\(workflowID)\" was removed", kind: "schedule_not_found")
        }
        return (workflow, effective)
    }

    private func writableStore() throws -> any ScheduleStore {
        guard let store = engine.store.scheduleStore else {
            throw APIError(.internalServerError, "INTERNAL", "the store does not record schedules")
        }
        return store
    }

    /// compozy's `ScheduleInfoResponse`.
    private func info(_ workflow: WorkflowConfig, _ effective: EffectiveSchedule) async throws -> JSONValue {
        var info: [String: JSONValue] = [
            "workflow_id": .string(workflow.id),
            "schedule_id": .string("schedule-\(engine.project.name)-\(workflow.id)"),
            "cron": .string(effective.cron),
            "timezone": .string(effective.schedule.timeZoneName),
            "enabled": .bool(effective.enabled),
            "is_override": .bool(effective.isOverride),
            "overlap_policy": .string(effective.schedule.overlapPolicy.rawValue),
        ]
        if effective.isOverride { info["yaml_config"] = effective.schedule.declaration }
        if let next = effective.nextSlot(after: Date()) { info["next_run_time"] = .string(ScheduleTime.format(next)) }
        if let last = try await engine.store.scheduleStore?.lastStartedScheduleSlot(workflowID: workflow.id) {
            info["last_run_time"] = .string(last.slot.slot)
            info["last_run_status"] = .string(last.status?.rawValue.lowercased() ?? "unknown")
            info["last_exec_id"] = .string(last.slot.execID)
        }
        return .object(info)
    }
}
