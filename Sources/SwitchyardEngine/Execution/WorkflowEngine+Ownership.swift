import Logging
import SwitchyardJSON

extension WorkflowEngine {
    /// Makes this engine own its executions by lease on `store` (the engine's own store, seen as
    /// a leasing store): new executions are inserted with a lease, every checkpoint and status is
    /// fenced, leases are renewed, and with `configuration.recovers` executions nobody holds are
    /// claimed and resumed. Calling it again returns the ownership already taken.
    @discardableResult
    public func takeOwnership(store: any ExecutionLeasing, configuration: OwnershipConfiguration = OwnershipConfiguration(),
                              owner: LeaseOwner = .make()) -> ExecutionOwnership {
        let ownership = ownershipSlot.withLock { slot in
            if let slot { return slot }
            let created = ExecutionOwnership(engine: self, store: store, owner: owner, configuration: configuration)
            slot = created
            return created
        }
        ownership.start()
        return ownership
    }

    /// The ownership `takeOwnership` set up, or nil for an engine that does not lease.
    public var ownership: ExecutionOwnership? { ownershipSlot.withLock { $0 } }

    /// The store runs write to: fenced by the lease when the engine owns executions.
    var writeStore: any ExecutionStore {
        guard let ownership else { return store }
        return ownership.fencedStore
    }

    /// Before a resume writes anything: takes the execution's lease (or confirms this engine
    /// holds it) when the engine owns executions.
    /// - Throws: `EngineError.Kind.alreadyRunning` when another process holds it.
    /// A lease whose holder is a process of this host that has died (a SIGKILLed `run`) is
    /// released first, so the resume need not wait for it to expire; a CANCELED or PAUSED
    /// execution (no lease: nobody runs it) is reopened as RUNNING and claimed.
    func claimForResume(_ record: WorkflowExecutionRecord) async throws {
        guard let ownership else { return }
        let store = ownership.store, owner = ownership.owner, ttl = ownership.configuration.ttl
        var claimed = try await store.claimExecution(execID: record.execID, owner: owner, ttl: ttl)
        if claimed == false, [.canceled, .paused].contains(record.status) {
            // Resumable but not claimable: its last write dropped the lease, so nobody runs it.
            // RUNNING without a lease row is never claimed by a server; this resume claims it next.
            try await store.updateWorkflow(execID: record.execID, status: .running, output: nil, error: nil)
            claimed = try await store.claimExecution(execID: record.execID, owner: owner, ttl: ttl)
        }
        if claimed == false, let lease = try await store.lease(execID: record.execID), lease.owner.isDeadLocalProcess {
            OwnershipLogging.takingOver(execID: record.execID, from: lease.owner, owner: owner)
            try await store.releaseLeases(owner: lease.owner, execIDs: [record.execID])
            claimed = try await store.claimExecution(execID: record.execID, owner: owner, ttl: ttl)
        }
        guard claimed == true else {
            let holder = try await store.lease(execID: record.execID).map { " (held by \($0.owner.id))" } ?? ""
            throw EngineError(.alreadyRunning, "execution \"\(record.execID)\" is owned by another process\(holder)")
        }
        ownership.fencedStore.acquired(record.execID)
    }

    /// For `start`: when this engine holds all it may (or drains), records the execution
    /// PENDING with no lease, for whichever process has room, and answers a handle that follows
    /// it in the store; nil means run it here.
    func queueIfFull(_ record: WorkflowExecutionRecord) async throws -> ExecutionHandle? {
        guard let ownership, ownership.admitsNoMore else { return nil }
        var queued = record
        queued.status = .pending
        try await store.insertWorkflow(queued)
        OwnershipLogging.queued(execID: record.execID, owner: ownership.owner)
        let follower = Task { await self.followQueued(queued, ownership: ownership) }
        return ExecutionHandle(execID: record.execID, task: follower)
    }

    /// Polls a queued execution until it ends wherever it runs; canceled while still unclaimed,
    /// it is recorded CANCELED.
    private func followQueued(_ record: WorkflowExecutionRecord, ownership: ExecutionOwnership) async -> WorkflowResult {
        while true {
            let cancelTaken = Task.isCancelled
            if cancelTaken, (try? await ownership.store.claimExecution(execID: record.execID, owner: ownership.owner,
                                                                     ttl: ownership.configuration.ttl)) == true {
                let error: JSONValue = ["message": "the workflow was canceled"]
                try? await ownership.store.updateWorkflow(execID: record.execID, status: .canceled, output: .emptyObject,
                                                          error: error, fencedBy: ownership.owner)
            }
            let current = (try? await store.workflow(execID: record.execID)) ?? nil
            // Canceled while another process runs it: that run is not this waiter's to stop.
            if let current, !current.status.isClaimable || cancelTaken {
                return WorkflowResult(execID: current.execID, workflowID: current.workflowID, status: current.status,
                                      output: current.output ?? .emptyObject, error: current.error)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// The ownership log (`switchyard.engine`): claims, recoveries and lost leases at `info`/`warning`.
enum OwnershipLogging {
    static func recovered(execID: String, owner: LeaseOwner) {
        ExecutionLogging.logger.info("execution claimed", metadata: ["exec_id": "\(execID)", "owner": "\(owner.id)"])
    }

    static func queued(execID: String, owner: LeaseOwner) {
        ExecutionLogging.logger.info("execution queued (this process is full or draining)",
                                     metadata: ["exec_id": "\(execID)", "owner": "\(owner.id)"])
    }

    static func takingOver(execID: String, from dead: LeaseOwner, owner: LeaseOwner) {
        ExecutionLogging.logger.info("execution lease taken over: its holder, a process of this host, has exited",
                                     metadata: ["exec_id": "\(execID)", "from": "\(dead.id)", "owner": "\(owner.id)"])
    }

    static func lost(execID: String, owner: LeaseOwner) {
        ExecutionLogging.logger.warning("execution lease lost: its run stops here, another process continues it",
                                        metadata: ["exec_id": "\(execID)", "owner": "\(owner.id)"])
    }

    static func storeFailed(_ what: String, _ error: any Error) {
        ExecutionLogging.logger.warning("lease store error", metadata: ["while": "\(what)", "error": "\(error)"])
    }
}
