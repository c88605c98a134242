import Synchronization
import SwitchyardABI
import SwitchyardRuntime

/// The host table one adapter instance is created with, and the token in its `host_context`
/// that binds the instance's calls to it.
///
/// Every instance gets a table of its own whose `host_context` is a random token. A call
/// remembers the token of the instance it was started on, and `emit` refuses a frame whose
/// `host_context` is not that token, so one adapter cannot complete, fail or flood another's
/// calls by guessing (or learning) their ids. The token is never dereferenced: a forged or
/// garbage context costs a compare, not a crash.
///
/// Bindings are never freed: the ABI promises an adapter that its host table lives for the
/// process, and a plugin may still emit (to be refused) after its instance was destroyed.
final class HostBinding: Sendable {
    /// The `host_context` value of the instance's table.
    let token: UInt64
    /// The adapter id, named in the log when the instance sends a forged frame.
    let adapterID: String
    /// The instance's host table (never freed).
    let table: UnsafeHostTable
    /// Frames this instance sent for calls that are not its own.
    let refusedFrames = Atomic<Int>(0)

    private init(token: UInt64, adapterID: String) {
        self.token = token
        self.adapterID = adapterID
        self.table = UnsafeHostTable(HostAPI.makeTable(context: token))
    }

    private static let bindings = Mutex<[UInt64: HostBinding]>([:])

    /// A binding with a fresh token, for a new instance of adapter `adapterID`.
    static func make(adapterID: String) -> HostBinding {
        var random = SystemRandomNumberGenerator()
        return bindings.withLock { bindings in
            var token: UInt64 = 0
            // 0 is the library-level table's context (the entry function's), never an instance's.
            while token == 0 || bindings[token] != nil { token = random.next() }
            let binding = HostBinding(token: token, adapterID: adapterID)
            bindings[token] = binding
            return binding
        }
    }

    /// The binding whose token is `context`; nil for a context no instance was given.
    static func binding(forContext context: UInt64) -> HostBinding? {
        bindings.withLock { $0[context] }
    }

    /// Counts a frame sent with this instance's context for a call of another instance, and
    /// logs the first few (a forging plugin could send millions).
    func refuse(callID: UInt64, ownerAdapterID: String) {
        let refused = refusedFrames.wrappingAdd(1, ordering: .relaxed).newValue
        guard refused <= Self.loggedRefusals else { return }
        let more = refused == Self.loggedRefusals ? " (further refusals are counted, not logged)" : ""
        HostAPI.adapterLogger.warning(
            "adapter \(adapterID): emitted a frame for call \(callID), which belongs to adapter \(ownerAdapterID); refused\(more)",
            metadata: HostAPI.metadata(adapter: adapterID, callID: callID))
    }

    /// How many refusals per instance reach the log.
    static let loggedRefusals = 5
}

/// A host table pointer: immutable after creation, shared across threads as the ABI requires.
struct UnsafeHostTable: @unchecked Sendable {
    let pointer: UnsafePointer<sy_host_api>
    init(_ pointer: UnsafePointer<sy_host_api>) { self.pointer = pointer }
}
