import CBenchSupport
import CFFI
import SwitchyardFFI

/// The `ffi` suite's call-path figures: one tiny C function, `sy_bench_add(int64_t, int64_t)`,
/// called three ways side by side in one run, each the minimum over several rounds.
///
/// - `direct_ns`: through a plain C function pointer (the floor).
/// - `libffi_cif_ns`: bare `ffi_call` on a CIF prepared once.
/// - `host_call_ns`: a whole host-side foreign call as the host makes it: the argument values
///   written into slots and the argument pointer array filled per call, then
///   ``CallInterface/call(_:result:arguments:)`` on the cached interface.
enum FFIBench {
    static let callsPerRound = 2_000_000
    static let rounds = 5

    static func run() throws -> [String: Double] {
        // The address comes from another C translation unit (the bench executable does not export
        // the symbol for dlsym), so the optimizer cannot see which function it is and inline it.
        let address = sy_bench_add_address()
        let add = unsafeBitCast(address, to: (@convention(c) (Int64, Int64) -> Int64).self)

        var cif = ffi_cif()
        var argumentTypes: [UnsafeMutablePointer<ffi_type>] = [sy_ffi_type_sint64(), sy_ffi_type_sint64()]
        let prepared = argumentTypes.withUnsafeMutableBufferPointer { types in
            sy_ffi_prep_cif(&cif, 2, sy_ffi_type_sint64(), types.baseAddress)
        }
        guard prepared == FFI_OK else { throw FFIError(.prepareFailed, "bench CIF: ffi_status \(prepared.rawValue)") }
        let interface = try CallInterface.cached(returning: .int64, arguments: [.int64, .int64])

        var best = ["direct_ns": Double.infinity, "libffi_cif_ns": .infinity, "host_call_ns": .infinity]
        var checksum: Int64 = 0
        for _ in 0..<rounds {
            let direct = measure {
                var accumulator: Int64 = 0
                for _ in 0..<callsPerRound { accumulator = add(accumulator, 1) }
                return accumulator
            }
            let bare = measure {
                withArgumentSlots { left, right, pointers in
                    var result: Int64 = 0
                    let function = unsafeBitCast(address, to: (@convention(c) () -> Void).self)
                    for _ in 0..<callsPerRound {
                        ffi_call(&cif, function, &result, pointers)
                        left.pointee = result
                    }
                    return result
                }
            }
            let host = measure {
                var accumulator: Int64 = 0
                for _ in 0..<callsPerRound { accumulator = hostCall(interface, address, accumulator, 1) }
                return accumulator
            }
            checksum &+= direct.checksum &+ bare.checksum &+ host.checksum
            best["direct_ns"] = min(best["direct_ns"]!, direct.nanosecondsPerCall)
            best["libffi_cif_ns"] = min(best["libffi_cif_ns"]!, bare.nanosecondsPerCall)
            best["host_call_ns"] = min(best["host_call_ns"]!, host.nanosecondsPerCall)
        }
        // Each round's three loops add 1 per call; a different sum means a call went wrong.
        guard checksum == Int64(3 * rounds * callsPerRound) else {
            throw FFIError(.badArgument, "bench checksum \(checksum) is wrong: a call path misbehaved")
        }
        withExtendedLifetime(argumentTypes) {}
        return best
    }

    /// One call the way the host makes its own (`LibFFIHook.invoke` in SwitchyardAdapterHost):
    /// the argument values written into stack slots and the pointer array filled for this call,
    /// then `ffi_call` on the cached interface. Not inlined, so each call pays that preparation.
    @inline(never)
    private static func hostCall(_ interface: CallInterface, _ address: UnsafeRawPointer,
                                 _ left: Int64, _ right: Int64) -> Int64 {
        var slots = (left, right)
        var result: Int64 = 0
        withUnsafeMutableBytes(of: &slots) { slotBytes in
            withUnsafeMutableBytes(of: &result) { resultBytes in
                withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: 2) { arguments in
                    let base = slotBytes.baseAddress!
                    for index in 0..<2 { arguments[index] = base + index * 8 }
                    interface.call(address, result: resultBytes.baseAddress, arguments: arguments.baseAddress)
                }
            }
        }
        return result
    }

    /// Two argument slots (`left` = 0, `right` = 1) and the pointer array libffi reads.
    private static func withArgumentSlots(
        _ body: (UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int64>, UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int64
    ) -> Int64 {
        let values = UnsafeMutablePointer<Int64>.allocate(capacity: 2)
        values.initialize(repeating: 0, count: 2)
        values[1] = 1
        let pointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 2)
        pointers[0] = UnsafeMutableRawPointer(values)
        pointers[1] = UnsafeMutableRawPointer(values + 1)
        defer {
            values.deallocate()
            pointers.deallocate()
        }
        return body(values, values + 1, pointers)
    }

    private static func measure(_ loop: () -> Int64) -> (nanosecondsPerCall: Double, checksum: Int64) {
        let clock = ContinuousClock()
        var checksum: Int64 = 0
        let elapsed = clock.measure { checksum = loop() }
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return (nanoseconds / Double(callsPerRound), checksum)
    }
}
