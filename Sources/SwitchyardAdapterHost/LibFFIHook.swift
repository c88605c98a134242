import SwitchyardFFI
import SwitchyardRuntime

/// The libffi call interfaces of the adapter hooks, prepared once for the process.
///
/// Every hook has only pointer and `uint64_t` arguments, so a call stores its arguments as 8-byte
/// slots on the stack (`invoke`) and allocates nothing.
struct HookInterfaces: Sendable {
    /// `sy_status entry(const sy_host_api *, sy_adapter_api *)`
    let entry: CallInterface
    /// `sy_status create(const sy_host_api *, const uint8_t *, uint64_t, sy_instance **, char **)`
    let create: CallInterface
    /// `sy_status describe(sy_instance *, uint8_t **, uint64_t *, char **)`
    let describe: CallInterface
    /// `sy_status start_call(sy_instance *, const sy_call_request *, char **)`
    let startCall: CallInterface
    /// `void cancel_call(sy_instance *, uint64_t)` and `void release_call(sy_instance *, uint64_t)`
    let instanceAndCallID: CallInterface
    /// `void destroy(sy_instance *)`
    let destroy: CallInterface

    private init() throws(FFIError) {
        entry = try .cached(returning: .int32, arguments: [.pointer, .pointer])
        create = try .cached(returning: .int32, arguments: [.pointer, .pointer, .uint64, .pointer, .pointer])
        describe = try .cached(returning: .int32, arguments: [.pointer, .pointer, .pointer, .pointer])
        startCall = try .cached(returning: .int32, arguments: [.pointer, .pointer, .pointer])
        instanceAndCallID = try .cached(returning: .void, arguments: [.pointer, .uint64])
        destroy = try .cached(returning: .void, arguments: [.pointer])
    }

    /// The process-wide interfaces, or why libffi could not prepare them.
    static let shared: Result<HookInterfaces, FFIError> = Result { () throws(FFIError) in try HookInterfaces() }
}

/// Calls a C function through libffi with up to five 8-byte arguments.
enum LibFFIHook {
    /// The bit pattern of a pointer as a 64-bit argument slot.
    @inline(__always)
    static func slot(_ pointer: UnsafeRawPointer?) -> UInt64 {
        UInt64(UInt(bitPattern: pointer))
    }

    /// Calls `function` with the arguments in slots `a0...a4` (as many as `interface` takes) and
    /// returns the raw return register (an `int32_t` return is sign-extended by libffi).
    @inline(__always)
    static func invoke(_ interface: CallInterface, _ function: UnsafeRawPointer,
                       _ a0: UInt64, _ a1: UInt64 = 0, _ a2: UInt64 = 0, _ a3: UInt64 = 0,
                       _ a4: UInt64 = 0) -> Int64 {
        var slots = (a0, a1, a2, a3, a4)
        var result: Int64 = 0
        withUnsafeMutableBytes(of: &slots) { slotBytes in
            withUnsafeMutableBytes(of: &result) { resultBytes in
                withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: 5) { arguments in
                    let base = slotBytes.baseAddress!
                    for index in 0..<5 { arguments[index] = base + index * 8 }
                    interface.call(function, result: resultBytes.baseAddress, arguments: arguments.baseAddress)
                }
            }
        }
        return result
    }

    /// As `invoke`, reading the result as a `sy_status`.
    @inline(__always)
    static func status(_ interface: CallInterface, _ function: UnsafeRawPointer,
                       _ a0: UInt64, _ a1: UInt64 = 0, _ a2: UInt64 = 0, _ a3: UInt64 = 0,
                       _ a4: UInt64 = 0) -> Int32 {
        Int32(truncatingIfNeeded: invoke(interface, function, a0, a1, a2, a3, a4))
    }
}
