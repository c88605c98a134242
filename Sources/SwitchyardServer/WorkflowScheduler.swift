import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwitchyardEngine
import SwitchyardJSON

/// Runs the project's workflow schedules (`schedule:`) inside `serve`, as a `Service` of the
/// server's group: on graceful shutdown (SIGTERM, SIGINT) its loop ends before `run` returns and
/// leaves no task behind; the executions it started belong to the engine like any other.
///
/// Every slot goes through the store (`ScheduleStore.claimScheduleSlot`): its row's unique key
/// lets one process, once, decide it, so a slot fires exactly once across restarts and across
/// every `serve` process on the store. The execution's id is derived from the workflow and the
/// slot (`IdempotentStart.executionID`), the same in every process. Slots missed while no
/// process ran are skipped: after a start the first slot is the next one after now.
public final class WorkflowScheduler: Service, Sendable {
    let engine: WorkflowEngine
    let observer: ExecutionObserver?
    /// The longest sleep between two looks at the store (overrides made by other processes).
    let tick: Duration
    /// How late a slot may still fire (the process was busy or suspended); older ones are skipped.
    static let catchUpWindow: TimeInterval = 60
    /// How long a claimed slot may stay without its execution before another pass starts it.
    static let orphanAfter: TimeInterval = 10
    let logger: Logger
    /// The next slot of each enabled schedule, with the cron it was computed from.
    private let nextSlots = Mutex<[String: (cron: String, slot: Date)]>([:])

    /// Creates a scheduler over the engine's project and store.
    /// - Parameters:
    ///   - observer: receives the events of the executions it starts.
    ///   - tick: the longest wait between two passes (an update over the API takes effect by the next).
    public init(engine: WorkflowEngine, observer: ExecutionObserver? = nil, tick: Duration = .seconds(1)) {
        self.engine = engine
        self.observer = observer
        self.tick = tick
        logger = Logger(label: "switchyard.schedule")
    }

    /// The workflows that declare a schedule.
    var scheduledWorkflows: [WorkflowConfig] { engine.project.workflows.filter { $0.schedule != nil } }

    /// Fires due slots until graceful shutdown or cancellation.
    public func run() async throws {
        guard !scheduledWorkflows.isEmpty else { return }
        guard engine.store.scheduleStore != nil else {
            logger.warning("the store does not record schedule slots: schedules do not run")
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let wait = await self.pass(now: Date())
                try? await Task.sleep(for: wait)
            }
        }
    }

    /// One pass: starts what is due, and answers how long to sleep (until the next slot, at most a tick).
    func pass(now: Date) async -> Duration {
        guard let store = engine.store.scheduleStore else { return tick }
        let overrides: [String: ScheduleOverride]
        do { overrides = try await store.scheduleOverrides() } catch {
            logger.error("cannot read schedule overrides: \(error)")
            return tick
        }
        var earliest = now.addingTimeInterval(TimeInterval(tick.components.seconds) + Double(tick.components.attoseconds) / 1e18)
        for workflow in scheduledWorkflows {
            guard let effective = EffectiveSchedule(workflow, override: overrides[workflow.id]), effective.enabled,
                  let cron = effective.parsedCron else {
                _ = nextSlots.withLock { $0.removeValue(forKey: workflow.id) }
                continue
            }
            await startUnstarted(workflow, effective, store, now: now)
            if effective.schedule.overlapPolicy == .bufferOne { await startBuffered(workflow, effective, store) }
            var next = nextSlots.withLock { slots -> Date? in
                if let known = slots[workflow.id], known.cron == effective.cron { return known.slot }
                return nil
            } ?? cron.nextSlot(after: now, in: effective.schedule.timeZone)
            while let due = next, due.addingTimeInterval(jitter(workflow.id, due, effective.schedule)) <= now {
                if now.timeIntervalSince(due) <= Self.catchUpWindow, effective.admits(due) {
                    await fire(workflow, effective, slot: due, store)
                }
                next = cron.nextSlot(after: due, in: effective.schedule.timeZone)
            }
            if let next {
                nextSlots.withLock { $0[workflow.id] = (effective.cron, next) }
                earliest = min(earliest, next.addingTimeInterval(jitter(workflow.id, next, effective.schedule)))
            } else {
                _ = nextSlots.withLock { $0.removeValue(forKey: workflow.id) }
            }
        }
        let seconds = max(0.001, earliest.timeIntervalSince(Date()))
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// Claims the slot and, when the claim says so, starts its execution.
    private func fire(_ workflow: WorkflowConfig, _ effective: EffectiveSchedule, slot: Date, _ store: any ScheduleStore) async {
        let slotText = ScheduleTime.format(slot)
        let execID = Self.executionID(workflowID: workflow.id, slot: slotText)
        let policy = effective.schedule.overlapPolicy
        do {
            guard let claim = try await store.claimScheduleSlot(
                workflowID: workflow.id, slot: slotText, execID: execID, policy: policy) else { return }
            guard claim.outcome == .started else {
                logger.info("schedule of \(workflow.id): slot \(slotText) \(claim.outcome.rawValue) (overlap_policy \(policy.rawValue))")
                return
            }
            if policy == .cancelOther {
                // Only executions running in this process can be canceled from here.
                for running in try await store.runningScheduledExecutions(workflowID: workflow.id) where running != execID {
                    _ = engine.cancel(execID: running)
                }
            }
            try await start(workflow, effective, execID: execID, slot: slotText)
        } catch {
            logger.error("schedule of \(workflow.id): slot \(slotText): \(error)")
        }
    }

    /// Starts the buffered slot once nothing of the schedule runs.
    private func startBuffered(_ workflow: WorkflowConfig, _ effective: EffectiveSchedule, _ store: any ScheduleStore) async {
        do {
            guard let slot = try await store.startBufferedScheduleSlot(workflowID: workflow.id) else { return }
            try await start(workflow, effective, execID: slot.execID, slot: slot.slot)
        } catch {
            logger.error("schedule of \(workflow.id): buffered slot: \(error)")
        }
    }

    /// Starts the slots a process claimed and ended before recording their execution (killed
    /// in between), once the claimer had `orphanAfter` to record it, within the catch-up window.
    /// The execution id is the slot's, so when the claimer was only slow one of the two starts
    /// is refused by the store and nothing runs twice.
    private func startUnstarted(_ workflow: WorkflowConfig, _ effective: EffectiveSchedule, _ store: any ScheduleStore,
                                now: Date) async {
        do {
            let orphans = try await store.unstartedScheduleSlots(
                workflowID: workflow.id, recordedAfter: Timestamp.format(now.addingTimeInterval(-Self.catchUpWindow)),
                before: Timestamp.format(now.addingTimeInterval(-Self.orphanAfter)))
            for slot in orphans {
                guard try await engine.store.workflow(execID: slot.execID) == nil else { continue }
                logger.info("schedule of \(workflow.id): slot \(slot.slot) was claimed and not started; starting it")
                try await start(workflow, effective, execID: slot.execID, slot: slot.slot)
            }
        } catch {
            logger.error("schedule of \(workflow.id): unstarted slots: \(error)")
        }
    }

    private func start(_ workflow: WorkflowConfig, _ effective: EffectiveSchedule, execID: String, slot: String) async throws {
        _ = try await engine.start(workflowID: workflow.id, input: effective.schedule.input, execID: execID,
                                   observer: observer)
        logger.info("schedule of \(workflow.id): slot \(slot) started execution \(execID)")
    }

    /// The execution a slot starts: the same id in every process, never one an
    /// `X-Idempotency-Key` names (a header cannot hold the NUL bytes of the key).
    static func executionID(workflowID: String, slot: String) -> String {
        IdempotentStart.executionID(workflowID: workflowID, key: "\u{0}schedule\u{0}\(slot)")
    }

    /// `jitter`: a delay below it, derived from the workflow and the slot so every process waits the same.
    func jitter(_ workflowID: String, _ slot: Date, _ schedule: WorkflowSchedule) -> TimeInterval {
        guard let jitter = schedule.jitter, jitter > .zero else { return 0 }
        let millis = UInt64(jitter.components.seconds) * 1000 + UInt64(jitter.components.attoseconds / 1_000_000_000_000_000)
        guard millis > 0 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(workflowID)\u{0}\(ScheduleTime.format(slot))".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return TimeInterval(hash % millis) / 1000
    }
}
