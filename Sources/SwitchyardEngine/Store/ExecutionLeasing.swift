import Foundation
import SwitchyardJSON

/// Who holds a lease: one engine in one process. The process id says where to look; the random
/// token keeps a restarted process with a recycled pid (or a second engine in one process) from
/// being taken for the old owner.
public struct LeaseOwner: Sendable, Hashable, CustomStringConvertible {
    /// The operating-system process id of the owner.
    public let processID: Int32
    /// A random token, new for every owner.
    public let token: String
    /// The host the owner runs on (`gethostname`), nil when unknown (an owner stored before
    /// hosts were recorded): only an owner on this host can be seen to have died.
    public let host: String?

    /// Creates an owner with an explicit token (tests, a store reading an owner back).
    public init(processID: Int32, token: String, host: String? = nil) {
        self.processID = processID
        self.token = token
        self.host = host
    }

    /// A fresh owner for this process: its pid, 16 random hex digits and this host's name.
    public static func make() -> LeaseOwner {
        let token = (0..<2).map { _ in String(UInt32.random(in: .min ... .max), radix: 16) }
            .map { String(repeating: "0", count: 8 - $0.count) + $0 }.joined()
        return LeaseOwner(processID: getpid(), token: token, host: currentHost)
    }

    /// `PID-TOKEN@HOST` (`PID-TOKEN` without a host): the form stored in the lease table.
    public var id: String { "\(processID)-\(token)" + (host.map { "@\($0)" } ?? "") }

    /// The owner stored as `PID-TOKEN[@HOST]`, or nil for any other text.
    public init?(id: String) {
        guard let dash = id.firstIndex(of: "-"), let pid = Int32(id[..<dash]) else { return nil }
        let rest = id[id.index(after: dash)...]
        let at = rest.firstIndex(of: "@")
        self.init(processID: pid, token: String(rest[..<(at ?? rest.endIndex)]),
                  host: at.map { String(rest[rest.index(after: $0)...]) })
    }

    /// Same as `id`.
    public var description: String { id }

    /// Whether this owner is a process of this host that no longer exists (its lease can be
    /// taken at once instead of after its expiry). An owner of another host, of unknown host,
    /// or whose pid is alive (perhaps reused) counts as alive.
    public var isDeadLocalProcess: Bool {
        guard let host, host == Self.currentHost, processID > 0, processID != getpid() else { return false }
        return kill(processID, 0) == -1 && errno == ESRCH
    }

    /// This host's name, as `gethostname` gives it.
    static let currentHost: String? = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return nil }
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return host.isEmpty ? nil : host
    }()
}

/// One lease as the store keeps it.
public struct ExecutionLease: Sendable, Hashable {
    /// The leased workflow execution.
    public var execID: String
    /// Its holder.
    public var owner: LeaseOwner
    /// Milliseconds since 1970 (the store's clock) after which another owner may claim it.
    public var expiresAtMilliseconds: Int64

    /// Creates a lease record.
    public init(execID: String, owner: LeaseOwner, expiresAtMilliseconds: Int64) {
        self.execID = execID
        self.owner = owner
        self.expiresAtMilliseconds = expiresAtMilliseconds
    }
}

/// Ownership of executions by lease, for several processes on one store (docs/SCALE-OUT.md).
///
/// An execution is *claimable* when its status is `PENDING`, `RUNNING` or `WAITING` and it has
/// only an expired (or released) lease, or is `PENDING` with no lease at all (queued). A
/// `RUNNING` or `WAITING` execution with no lease row belongs to a process that does not lease
/// (a one-shot `switchyard run`, or a store written before leases): `claimExecutions` leaves
/// it alone, so a server never runs it beside that process; it is resumed by hand
/// (`claimExecution`). A claim writes the owner row in the same transaction that
/// found it claimable (Postgres: `SELECT … FOR UPDATE SKIP LOCKED`; SQLite: one write
/// transaction), so two owners never both get it.
///
/// Fencing: `saveTask(_:fencedBy:)` and `updateWorkflow(…fencedBy:)` check, inside the
/// transaction that writes, that `owner` still holds the execution's lease row; otherwise they
/// write nothing and throw `StoreError` kind `.leaseLost`. The check is on the holder only,
/// not the expiry: an expired lease nobody claimed yet is still safely its owner's (a claim
/// replaces the holder in a transaction the fenced write is serialized with).
public protocol ExecutionLeasing: ExecutionStore {
    /// Inserts a new workflow execution with its lease held by `owner`, in one transaction.
    /// - Throws: `StoreError`.
    func insertWorkflow(_ record: WorkflowExecutionRecord, leasedTo owner: LeaseOwner, ttl: Duration) async throws

    /// Claims up to `limit` claimable executions for `owner`, oldest first (`created_at`).
    /// - Returns: the claimed executions' ids (possibly none).
    /// - Throws: `StoreError`.
    func claimExecutions(owner: LeaseOwner, limit: Int, ttl: Duration) async throws -> [String]

    /// Claims one execution for `owner` if it is claimable or already `owner`'s (a manual
    /// resume, or a resume of an execution found by `claimExecutions`).
    /// - Returns: `false` when another owner holds an unexpired lease on it, or its status is
    ///   not claimable (finished, canceled, paused) — `nil` if there is no such execution.
    /// - Throws: `StoreError`.
    func claimExecution(execID: String, owner: LeaseOwner, ttl: Duration) async throws -> Bool?

    /// Extends `owner`'s leases on `execIDs` to now + `ttl`.
    /// - Returns: the ids of `execIDs` whose lease `owner` no longer holds (another owner
    ///   claimed it after it expired, or it is gone).
    /// - Throws: `StoreError`.
    func renewLeases(owner: LeaseOwner, execIDs: [String], ttl: Duration) async throws -> Set<String>

    /// Gives up `owner`'s leases on `execIDs` (all of them with `nil`): a graceful stop, so
    /// another owner may claim them at once instead of waiting for the expiry. A released lease
    /// stays as a row with no owner that has expired, so the execution stays claimable.
    /// - Throws: `StoreError`.
    func releaseLeases(owner: LeaseOwner, execIDs: [String]?) async throws

    /// The lease on `execID`, or nil when it has none.
    /// - Throws: `StoreError`.
    func lease(execID: String) async throws -> ExecutionLease?

    /// Checkpoints a task if `owner` holds its execution's lease, in the same transaction.
    /// - Throws: `StoreError` `.leaseLost` (nothing written), or another `StoreError`.
    func saveTask(_ record: TaskExecutionRecord, fencedBy owner: LeaseOwner) async throws

    /// Updates a workflow execution if `owner` holds its lease, in the same transaction; a
    /// status that is not claimable (`SUCCESS`, `FAILED`, `TIMED_OUT`, `CANCELED`, `PAUSED`)
    /// also deletes the lease row there, so an execution finishes once and is never claimed again.
    /// - Throws: `StoreError` `.leaseLost` (nothing written), or another `StoreError`.
    func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?,
                        fencedBy owner: LeaseOwner) async throws
}

extension ExecutionStatus {
    /// Statuses a process may claim an execution in when nobody holds its lease: it was queued,
    /// or its holder stopped while it ran or waited for a signal.
    public static let claimable: [ExecutionStatus] = [.pending, .running, .waiting]

    /// Whether an execution in this status can be claimed (see `claimable`).
    public var isClaimable: Bool { Self.claimable.contains(self) }

    /// Whether a write of this status keeps the writer's lease: the claimable ones, and PAUSED
    /// (the paused run stays in its process). A PAUSED execution whose holder is gone is not
    /// claimed by a server; a `resume` continues it.
    public var keepsLease: Bool { isClaimable || self == .paused }
}

extension StoreError.Kind {
    /// A fenced write found the execution's lease held by another owner (or gone): this
    /// process no longer owns the execution and must stop running it.
    public static let leaseLost = StoreError.Kind(rawValue: "lease_lost")
}

extension StoreError {
    /// The refusal of a fenced write on `execID` by `owner`.
    public static func leaseLost(execID: String, owner: LeaseOwner, location: String) -> StoreError {
        StoreError(.leaseLost, location: location,
                   message: "execution \"\(execID)\": lease lost by \(owner.id) (another process owns it now); nothing was recorded")
    }
}

extension Duration {
    /// Whole milliseconds (rounded down), for lease expiries.
    var leaseMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
