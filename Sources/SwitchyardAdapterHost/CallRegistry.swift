import Synchronization
import SwitchyardABI
import SwitchyardRuntime

/// Every started plugin call of the process, by its process-unique call id.
///
/// The ABI lets an adapter emit from any thread at any time, even after release; the registry is
/// what turns a frame for an unknown or released call into `SY_E_NOT_FOUND` instead of a crash.
enum CallRegistry {
    private static let calls = Mutex(CallTable<AdapterCall>())
    private static let lastID = Atomic<UInt64>(0)

    /// A call id never handed out before in this process.
    static func nextID() -> UInt64 {
        lastID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    static func register(_ call: AdapterCall) {
        calls.withLock { $0.insert(call) }
    }

    static func unregister(_ id: UInt64) {
        _ = calls.withLock { $0.remove(id) }
    }

    /// Calls currently registered (for tests and the conformance check).
    static var count: Int { calls.withLock { $0.count } }

    /// The `emit` callback: routes one frame to its call.
    static func deliver(_ callID: UInt64, _ frame: UnsafePointer<sy_frame>?) -> sy_status {
        guard let frame else { return SY_E_INVALID_ARGUMENT }
        // A reader never touches a field past the writer's struct_size: check it before reading.
        let structSize = UnsafeRawPointer(frame).load(as: UInt32.self)
        guard structSize >= UInt32(MemoryLayout<sy_frame>.size) else { return SY_E_INVALID_ARGUMENT }
        let header = frame.pointee
        guard header.length <= UInt64(Int.max), header.data != nil || header.length == 0 else {
            return SY_E_INVALID_ARGUMENT
        }
        guard let call = calls.withLock({ $0[callID] }) else { return SY_E_NOT_FOUND }
        let payload = UnsafeRawBufferPointer(start: header.data, count: Int(header.length))
        return call.receive(kind: .init(rawValue: header.kind), flags: .init(rawValue: header.flags),
                            logLevel: header.log_level, payload: payload)
    }
}
