import Foundation
import Synchronization
import SwitchyardJSON

/// How an engine owns executions by lease (docs/SCALE-OUT.md).
public struct OwnershipConfiguration: Sendable, Hashable {
    /// How long a lease lasts without renewal: after a crash, others wait this long at most.
    public var ttl: Duration
    /// How often leases are renewed and claimable executions looked for.
    public var renewInterval: Duration
    /// Executions held at once; claims are made only below it, and a start above it is queued.
    public var maxExecutions: Int
    /// Whether the engine claims and resumes executions nobody holds (a server), or only leases
    /// the ones it starts (a one-shot `run`).
    public var recovers: Bool

    /// Creates a configuration: renew every 5 s, a 15 s lease, 64 executions, recovering.
    public init(ttl: Duration = .seconds(15), renewInterval: Duration = .seconds(5), maxExecutions: Int = 64,
                recovers: Bool = true) {
        self.ttl = ttl
        self.renewInterval = renewInterval
        self.maxExecutions = maxExecutions
        self.recovers = recovers
    }
}

/// One engine's ownership of executions: the leases it holds, their renewer, and the recovery
/// loop that claims executions nobody holds (queued ones, and those of a process that died) and
/// resumes them from their checkpoints. A lost lease stops that execution's run.
public final class ExecutionOwnership: Sendable {
    /// This engine's identity in the lease table.
    public let owner: LeaseOwner
    /// Intervals and limits.
    public let configuration: OwnershipConfiguration
    let store: any ExecutionLeasing
    let engine: WorkflowEngine
    private struct State {
        /// Held executions, each with how many renewals in a row found it not running here.
        var held: [String: Int] = [:]
        var draining = false
        var stopping = false
    }
    private let state = Mutex(State())
    private let loop = Mutex<Task<Void, Never>?>(nil)

    init(engine: WorkflowEngine, store: any ExecutionLeasing, owner: LeaseOwner, configuration: OwnershipConfiguration) {
        self.engine = engine
        self.store = store
        self.owner = owner
        self.configuration = configuration
    }

    /// The executions this engine holds a lease on now.
    public var heldExecutions: [String] { state.withLock { Array($0.held.keys) } }

    /// Whether `drain()` or `stop` was called: nothing new is claimed.
    public var isDraining: Bool { state.withLock { $0.draining } }

    /// Stops claiming: what is held runs to its end; new starts are queued for other processes.
    public func drain() { state.withLock { $0.draining = true } }

    /// Whether a new start should be queued rather than run here.
    var admitsNoMore: Bool {
        state.withLock { $0.draining || $0.held.count >= configuration.maxExecutions }
    }

    /// The store the engine's runs write to.
    var fencedStore: FencedExecutionStore {
        FencedExecutionStore(
            base: store, owner: owner, ttl: configuration.ttl,
            acquired: { [self] execID in state.withLock { _ = $0.held.updateValue(0, forKey: execID) } },
            ended: { [self] execID, lost in end(execID, lost: lost) },
            refusesWrites: { [self] in state.withLock { $0.stopping } })
    }

    func start() {
        loop.withLock { loop in
            guard loop == nil else { return }
            loop = Task { [self] in
                while !Task.isCancelled {
                    await tick()
                    try? await Task.sleep(for: configuration.renewInterval)
                }
            }
        }
    }

    /// Graceful stop: claims nothing more, lets held runs finish for up to `grace`, then stops
    /// the rest without recording anything and releases every lease, so another process
    /// resumes them at once instead of after the TTL.
    public func stop(grace: Duration) async {
        drain()
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline, !heldRunning().isEmpty {
            try? await Task.sleep(for: .milliseconds(50))
        }
        state.withLock { $0.stopping = true }
        loop.withLock { $0?.cancel() }
        for execID in heldRunning() { engine.cancel(execID: execID) }
        let settle = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < settle, !heldRunning().isEmpty {
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? await store.releaseLeases(owner: owner, execIDs: nil)
        state.withLock { $0.held = [:] }
    }

    private func heldRunning() -> [String] {
        let running = Set(engine.runningExecutions)
        return state.withLock { $0.held.keys.filter(running.contains) }
    }

    /// The execution's lease is given up: finished here, or lost (its run is stopped).
    private func end(_ execID: String, lost: Bool) {
        let wasHeld = state.withLock { $0.held.removeValue(forKey: execID) != nil }
        if lost {
            if wasHeld { OwnershipLogging.lost(execID: execID, owner: owner) }
            engine.cancel(execID: execID)
        }
    }

    /// One round: renew what is held (stopping runs whose lease was lost), give back leases on
    /// executions no longer running here, then claim up to the free capacity.
    func tick() async {
        let running = Set(engine.runningExecutions)
        let (held, abandoned) = state.withLock { state -> ([String], [String]) in
            // Two rounds in a row without a run here: it ended without a final write (or never
            // started); one round is not enough, a start records the lease just before it runs.
            for (execID, misses) in state.held { state.held[execID] = running.contains(execID) ? 0 : misses + 1 }
            let abandoned = state.held.filter { $0.value >= 2 }.map(\.key)
            for execID in abandoned { state.held.removeValue(forKey: execID) }
            return (Array(state.held.keys), abandoned)
        }
        if !abandoned.isEmpty { try? await store.releaseLeases(owner: owner, execIDs: abandoned) }
        do {
            for execID in try await store.renewLeases(owner: owner, execIDs: held, ttl: configuration.ttl) {
                end(execID, lost: true)
            }
        } catch {
            OwnershipLogging.storeFailed("renewing leases", error)
        }
        guard configuration.recovers else { return }
        let free = state.withLock { $0.draining ? 0 : configuration.maxExecutions - $0.held.count }
        guard free > 0 else { return }
        do {
            let claimed = try await store.claimExecutions(owner: owner, limit: free, ttl: configuration.ttl)
            state.withLock { state in for execID in claimed { state.held[execID] = 0 } }
            for execID in claimed { Task { await resumeClaimed(execID) } }
        } catch {
            OwnershipLogging.storeFailed("claiming executions", error)
        }
    }

    /// Resumes a claimed execution from its checkpoints; one that cannot run here (its
    /// workflow is gone from the project) is recorded FAILED so it is not claimed forever.
    private func resumeClaimed(_ execID: String) async {
        do {
            if case .finished = try await engine.startResume(execID: execID) { end(execID, lost: false) }
            OwnershipLogging.recovered(execID: execID, owner: owner)
        } catch let error as EngineError where error.kind == .alreadyRunning {
            return
        } catch let error as EngineError {
            try? await fencedStore.updateWorkflow(execID: execID, status: .failed, output: .emptyObject,
                                                  error: ["message": .string("cannot resume: \(error.message)")])
        } catch {
            OwnershipLogging.storeFailed("resuming \(execID)", error)
            end(execID, lost: false)
            try? await store.releaseLeases(owner: owner, execIDs: [execID])
        }
    }
}
