import SwitchyardABI

/// The host's callback table as the adapter uses it: frames, log lines and memory handed back.
///
/// The table is STATIC (adapter.h): it lives for the process, so holding the pointer is safe and
/// the callbacks are thread-safe, which is why this wrapper is `Sendable`.
struct HostConnection: @unchecked Sendable {
    let table: UnsafePointer<sy_host_api>

    /// The smallest host table the adapter can use: every callback of ABI 1.0.
    static let minimumTableSize = MemoryLayout<sy_host_api>.size

    /// Delivers one frame (or chunk) of a call's output; returns the host's status.
    func emit(callID: UInt64, kind: UInt32, flags: UInt32, bytes: UnsafeRawBufferPointer) -> sy_status {
        guard let emit = table.pointee.emit else { return SY_E_INTERNAL }
        // A zero-length chunk still carries a valid pointer: some hosts check `data` first.
        return withUnsafePointer(to: HostConnection.emptyByte) { empty in
            let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty
            var frame = sy_frame(
                struct_size: UInt32(MemoryLayout<sy_frame>.size), kind: kind, flags: flags,
                log_level: 0, data: data, length: UInt64(bytes.count))
            return emit(table.pointee.host_context, callID, &frame)
        }
    }

    private static let emptyByte: UInt8 = 0

    /// Writes one line to the host log.
    func log(_ level: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard let log = table.pointee.log, let base = bytes.baseAddress else { return }
        log(table.pointee.host_context, level, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Writes one line to the host log.
    func log(_ level: Int32, _ text: String) {
        var text = text
        text.withUTF8 { log(level, UnsafeRawBufferPointer($0)) }
    }

    /// Copies `text` into host memory, NUL-terminated, for an `error_out` parameter.
    func allocateCString(_ text: String) -> UnsafeMutablePointer<CChar>? {
        let bytes = Array(text.utf8)
        guard let memory = table.pointee.alloc?(table.pointee.host_context, UInt64(bytes.count + 1)) else {
            return nil
        }
        let target = memory.bindMemory(to: UInt8.self, capacity: bytes.count + 1)
        bytes.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: bytes.count) }
        target[bytes.count] = 0
        return UnsafeMutableRawPointer(target).assumingMemoryBound(to: CChar.self)
    }

    /// Copies `bytes` into host memory (NUL-terminated for convenience) for a `json_out` parameter.
    func allocateBytes(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8>? {
        guard let memory = table.pointee.alloc?(table.pointee.host_context, UInt64(bytes.count + 1)) else {
            return nil
        }
        let target = memory.bindMemory(to: UInt8.self, capacity: bytes.count + 1)
        if !bytes.isEmpty { bytes.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: bytes.count) } }
        target[bytes.count] = 0
        return target
    }
}
