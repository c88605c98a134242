import SwitchyardABI

/// The host's callback table as an adapter uses it: frames out, log lines, memory handed back.
///
/// The table is STATIC (adapter.h): it lives for the process, so holding the pointer is safe,
/// and its callbacks are thread-safe, which is why this wrapper is `Sendable`. A callback the
/// host left NULL is treated as failing, never called.
package struct HostConnection: @unchecked Sendable {
    /// The host's table.
    package let table: UnsafePointer<sy_host_api>

    /// Wraps the table `create` was handed; nil when it is NULL or smaller than ABI 1.0's.
    package init?(_ table: UnsafePointer<sy_host_api>?) {
        guard let table, Int(table.pointee.struct_size) >= AdapterEntry.minimumHostTableSize else { return nil }
        self.table = table
    }

    // MARK: Frames

    /// Delivers one frame (or one chunk of one) of a call's output; returns the host's status.
    package func emit(callID: UInt64, kind: sy_frame_kind, flags: UInt32, bytes: UnsafeRawBufferPointer) -> sy_status {
        guard let emit = table.pointee.emit else { return SY_E_INTERNAL }
        // A zero-length chunk still carries a valid pointer: some hosts check `data` first.
        return withUnsafePointer(to: Self.emptyByte) { empty in
            let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty
            var frame = sy_frame(
                struct_size: UInt32(MemoryLayout<sy_frame>.size), kind: kind, flags: flags,
                log_level: 0, data: data, length: UInt64(bytes.count))
            return emit(table.pointee.host_context, callID, &frame)
        }
    }

    private static let emptyByte: UInt8 = 0

    /// The largest chunk `emitPayload` hands the host at once: a large payload goes in pieces,
    /// so the host can enforce its output limit before it holds the whole of it.
    package static let payloadChunkSize = 1 << 20

    /// Delivers a whole payload as one frame of `kind`, in chunks of at most `chunkSize` bytes
    /// (`SY_FRAME_FLAG_MORE` on all but the last). `terminal` flags the last chunk
    /// `SY_FRAME_FLAG_END_OF_STREAM`. Stops at the first status other than `SY_OK` and returns it.
    @discardableResult
    package func emitPayload(callID: UInt64, kind: sy_frame_kind, bytes: UnsafeRawBufferPointer, terminal: Bool,
                             chunkSize: Int = payloadChunkSize) -> sy_status {
        var offset = 0
        repeat {
            let end = min(bytes.count, offset + max(1, chunkSize))
            let last = end == bytes.count
            let flags = last ? (terminal ? SY_FRAME_FLAG_END_OF_STREAM : 0) : SY_FRAME_FLAG_MORE
            let status = emit(callID: callID, kind: kind, flags: flags,
                              bytes: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            guard status == SY_OK else { return status }
            offset = end
        } while offset < bytes.count
        return SY_OK
    }

    /// Ends a call with its one terminal frame: `kind` is `SY_FRAME_RESULT` or `SY_FRAME_ERROR`.
    @discardableResult
    package func emitTerminal(callID: UInt64, kind: sy_frame_kind, payload: [UInt8]) -> sy_status {
        payload.withUnsafeBytes { emitPayload(callID: callID, kind: kind, bytes: $0, terminal: true) }
    }

    /// Ends a call with an ERROR frame.
    @discardableResult
    package func emitError(callID: UInt64, _ error: ErrorFrame) -> sy_status {
        emitTerminal(callID: callID, kind: SY_FRAME_ERROR, payload: error.jsonBytes)
    }

    // MARK: Log

    /// Writes one line to the host log.
    package func log(_ level: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard let log = table.pointee.log, let base = bytes.baseAddress else { return }
        log(table.pointee.host_context, level, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Writes one line to the host log.
    package func log(_ level: Int32, _ text: String) {
        var text = text
        text.withUTF8 { log(level, UnsafeRawBufferPointer($0)) }
    }

    // MARK: Memory

    /// Copies `bytes` into host memory, NUL-terminated, for a `json_out` or `error_out`
    /// parameter (TRANSFERRED to the host once handed back); nil when the host is out of memory.
    package func allocateBytes(_ bytes: some Collection<UInt8>) -> UnsafeMutablePointer<UInt8>? {
        guard let memory = table.pointee.alloc?(table.pointee.host_context, UInt64(bytes.count + 1)) else {
            return nil
        }
        let target = memory.bindMemory(to: UInt8.self, capacity: bytes.count + 1)
        let end = UnsafeMutableBufferPointer(start: target, count: bytes.count).initialize(fromContentsOf: bytes)
        target[end] = 0
        return target
    }

    /// Copies `text` into host memory, NUL-terminated, for an `error_out` parameter.
    package func allocateCString(_ text: String) -> UnsafeMutablePointer<CChar>? {
        allocateBytes(text.utf8).map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
    }

    /// Hands `message` to the host through an `error_out` parameter, if there is one.
    package func report(_ message: String, to errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        guard let errorOut else { return }
        errorOut.pointee = allocateCString(message)
    }

    /// Frees memory from `allocateBytes` that was not handed to the host after all.
    package func free(_ memory: UnsafeMutableRawPointer) {
        table.pointee.free_memory?(table.pointee.host_context, memory)
    }
}
