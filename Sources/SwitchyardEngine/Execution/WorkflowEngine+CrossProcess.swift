import Foundation
import Logging

/// Signals and results across the processes that share one store (docs/SCALE-OUT.md): a signal
/// is stored and reaches the wait task wherever the execution runs, or when it resumes; a wait for
/// a result learns of an end recorded by another process from the store's notifier, then reads
/// the store. With a store that keeps no signals (a test double), signals stay in this process.
extension WorkflowEngine {
    /// The store's notifier, when it has one.
    var notifier: (any ExecutionNotifier)? { store.executionNotifier }

    /// The store as one that keeps signals, looking through wrappers (the host's on-demand store).
    var signalStore: (any SignalStore)? { store.unwrapped(as: (any SignalStore).self) }

    /// Sends `signal` to execution `execID` wherever it runs: stored (with a store that keeps
    /// signals) until its wait task takes it, in this process, another one, or after a resume.
    /// - Returns: false when there is no such execution or it has ended (with a store that keeps
    ///   no signals: when it is not running in this engine).
    /// - Throws: `StoreError`.
    public func postSignal(_ signal: Signal, to execID: String) async throws -> Bool {
        guard let signalStore = signalStore else { return await self.signal(signal, to: execID) > 0 }
        guard try await signalStore.postSignal(signal, to: execID) != nil else { return false }
        // The other processes learn from the store's own write; this one at once.
        await notifier?.publish(ExecutionWakeUp(.signal, execID: execID))
        return true
    }

    /// Waits for a signal named `name` to `execID` that `matches`, from this engine's hub or the
    /// store; nil when canceled. A stored signal is taken in the store first (so at most one
    /// wait task anywhere gets it); stored ones of its name that do not match are taken as dropped.
    /// - Parameter taker: the wait task's path, recorded with a stored signal it takes.
    func awaitSignal(execID: String, name: String, taker: String,
                     matches: @escaping @Sendable (Signal) -> Bool) async -> Signal? {
        let hub = signals, waitID = UUID()
        guard let signalStore = signalStore else {
            return await withTaskCancellationHandler {
                await hub.wait(id: waitID, execID: execID, name: name, matches: matches)
            } onCancel: {
                Task { await hub.cancelWait(waitID) }
            }
        }
        let waker = ExecutionWaker(notifier: notifier, execID: execID, kinds: [.signal], tick: nil)
        await hub.watch(execID, id: waitID, wake: waker.poke)
        var iterator = waker.wakeUps.makeAsyncIterator()
        var found: Signal?
        while !Task.isCancelled {
            if let signal = await hub.take(execID: execID, name: name, matches: matches) {
                found = signal
                break
            }
            do {
                if let signal = try await Self.takeStored(from: signalStore, execID: execID, name: name, taker: taker,
                                                          matches: matches) {
                    found = signal
                    break
                }
            } catch {
                // A store that failed a read now may answer the next: look again in a second.
                ExecutionLogging.logger.warning("cannot read the stored signals of \(execID): \(error)")
                let poke = waker.poke
                Task {
                    try? await Task.sleep(for: .seconds(1))
                    poke.yield()
                }
            }
            // nil once the waiting task is canceled.
            guard await iterator.next() != nil else { break }
        }
        waker.close()
        await hub.unwatch(execID, id: waitID)
        return found
    }

    /// The first stored signal to `execID` named `name` that matches, taken; those of its name
    /// before it that do not match are taken as dropped (as a waiting task drops them).
    private static func takeStored(from store: any SignalStore, execID: String, name: String, taker: String,
                                   matches: @Sendable (Signal) -> Bool) async throws -> Signal? {
        for pending in try await store.pendingSignals(execID: execID) where pending.signal.name == name {
            let fits = matches(pending.signal)
            // The take runs in a task of its own: canceling the wait (its timeout) must not interrupt
            // a take the store may already have committed, or the signal would be taken by no one.
            let take = Task { try await store.takeSignal(pending.signalID, outcome: fits ? .delivered : .dropped, taker: taker) }
            // Another process (or wait) that took it first keeps it: look at the next one.
            if try await take.value, fits {
                return pending.signal
            }
        }
        return nil
    }

    /// Waits at most `limit` for the end of execution `execID`, wherever it runs, without
    /// canceling it. One this engine runs is awaited in memory (no store read); any other one is
    /// read from the store at once and again at each `finished` wake-up of the store's notifier
    /// (and every second, in case one is missed) until it has its final status.
    /// - Returns: the result (for one run elsewhere, as recorded), or nil when `limit` passed first.
    /// - Throws: `EngineError.Kind.unknownExecution` when the store has no such execution; `StoreError`.
    public func result(of execID: String, waitingAtMost limit: Duration) async throws -> WorkflowResult? {
        if let local = localHandle(execID) { return await local.result(waitingAtMost: limit) }
        let deadline = ContinuousClock.now + limit
        let waker = ExecutionWaker(notifier: notifier, execID: execID, kinds: [.finished], tick: .seconds(1))
        let poke = waker.poke
        let timer = Task {
            do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
            poke.yield()
        }
        defer {
            timer.cancel()
            waker.close()
        }
        var iterator = waker.wakeUps.makeAsyncIterator()
        while true {
            guard let record = try await store.workflow(execID: execID) else {
                throw EngineError(.unknownExecution, "no execution \"\(execID)\" in the store")
            }
            if ExecutionWakeUp.finalStatuses.contains(record.status) {
                return WorkflowResult(execID: execID, workflowID: record.workflowID, status: record.status,
                                      output: record.output ?? .emptyObject, error: record.error)
            }
            let now = ContinuousClock.now
            guard now < deadline else { return nil }
            // Resumed into this engine meanwhile: its end comes from memory.
            if let local = localHandle(execID) { return await local.result(waitingAtMost: deadline - now) }
            guard await iterator.next() != nil else { return nil }
        }
    }

    /// The handle of execution `execID` when it runs in this engine.
    func localHandle(_ execID: String) -> ExecutionHandle? {
        running.withLock { $0[execID] }.map { ExecutionHandle(execID: execID, task: $0) }
    }
}
