import Synchronization

/// Group commit for task checkpoints: concurrent `save` calls (children of a parallel
/// collection finishing together) share one transaction, while each caller still returns only
/// once its own record is committed. A lone caller writes alone, so sequential tasks are
/// checkpointed one by one as before. A fenced checkpoint carries its lease owner; the batch's
/// transaction checks it there, so fencing costs one lookup, not another round trip.
final class GroupCommit: Sendable {
    /// One record to write, with the owner whose lease must cover it (nil: unfenced).
    struct Checkpoint: Sendable {
        var record: TaskExecutionRecord
        var owner: LeaseOwner?
    }

    /// Writes a batch in one transaction; answers per checkpoint nil (written) or why it was refused.
    private let write: @Sendable ([Checkpoint]) throws -> [StoreError?]
    private struct State {
        var pending: [(Checkpoint, CheckedContinuation<Void, any Error>)] = []
        var flushing = false
    }
    private let state = Mutex(State())

    init(write: @escaping @Sendable ([Checkpoint]) throws -> [StoreError?]) {
        self.write = write
    }

    func save(_ record: TaskExecutionRecord, fencedBy owner: LeaseOwner?) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let leads = state.withLock { state -> Bool in
                state.pending.append((Checkpoint(record: record, owner: owner), continuation))
                if state.flushing { return false }
                state.flushing = true
                return true
            }
            if leads { flush() }
        }
    }

    /// Writes batches until none is pending; whoever arrives while a batch is being written
    /// joins the next one.
    private func flush() {
        while true {
            let batch = state.withLock { state -> [(Checkpoint, CheckedContinuation<Void, any Error>)] in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let refusals = try write(batch.map(\.0))
                for ((_, continuation), refusal) in zip(batch, refusals) {
                    if let refusal { continuation.resume(throwing: refusal) } else { continuation.resume() }
                }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
    }
}
