import Synchronization
import SwitchyardABI
import SwitchyardRuntime

/// Every started plugin call of the process, by its process-unique call id.
///
/// The ABI lets an adapter emit from any thread at any time, even after release; the registry is
/// what turns a frame for an unknown or released call into `SY_E_NOT_FOUND` instead of a crash,
/// and a frame sent with another instance's `host_context` into a refusal (``HostBinding``).
///
/// Call ids are unguessable: the low 32 bits count calls (so they spread evenly over the
/// ``CallTable``'s slots), the high 32 bits are a keyed hash of the count (SipHash with the
/// process's random seed), so seeing its own ids tells an adapter nothing about another's.
enum CallRegistry {
    private static let calls = Mutex(CallTable<AdapterCall>())
    private static let lastID = Atomic<UInt64>(0)

    /// A call id not held by any live call: a sequence number with an unguessable tag.
    static func nextID() -> UInt64 {
        let sequence = lastID.wrappingAdd(1, ordering: .relaxed).newValue
        var hasher = Hasher()
        hasher.combine(sequence)
        let tag = UInt64(truncatingIfNeeded: hasher.finalize())
        return (tag << 32) | (sequence & 0xFFFF_FFFF)
    }

    static func register(_ call: AdapterCall) {
        calls.withLock { $0.insert(call) }
    }

    static func unregister(_ id: UInt64) {
        _ = calls.withLock { $0.remove(id) }
    }

    /// Calls currently registered (for tests and the conformance check).
    static var count: Int { calls.withLock { $0.count } }

    /// Frames sent with a `host_context` no instance was given (counted, not logged).
    static let framesFromUnknownContexts = Atomic<Int>(0)

    /// The `emit` callback: routes one frame to its call, if `context` is the call's instance's.
    static func deliver(from context: UInt64, _ callID: UInt64, _ frame: UnsafePointer<sy_frame>?) -> sy_status {
        guard let frame else { return SY_E_INVALID_ARGUMENT }
        // A reader never touches a field past the writer's struct_size: check it before reading.
        let structSize = UnsafeRawPointer(frame).load(as: UInt32.self)
        guard structSize >= UInt32(MemoryLayout<sy_frame>.size) else { return SY_E_INVALID_ARGUMENT }
        let header = frame.pointee
        guard header.length <= UInt64(Int.max), header.data != nil || header.length == 0 else {
            return SY_E_INVALID_ARGUMENT
        }
        guard let call = calls.withLock({ $0[callID] }) else { return SY_E_NOT_FOUND }
        guard call.bindingToken == context else {
            refuse(callID, of: call, from: context)
            return SY_E_NOT_FOUND  // as for an unknown id: a forger learns nothing
        }
        let payload = UnsafeRawBufferPointer(start: header.data, count: Int(header.length))
        return call.receive(kind: .init(rawValue: header.kind), flags: .init(rawValue: header.flags),
                            logLevel: header.log_level, payload: payload)
    }

    private static func refuse(_ callID: UInt64, of call: AdapterCall, from context: UInt64) {
        if let sender = HostBinding.binding(forContext: context) {
            sender.refuse(callID: callID, ownerAdapterID: call.adapter.id)
        } else {
            framesFromUnknownContexts.wrappingAdd(1, ordering: .relaxed)
        }
    }
}
