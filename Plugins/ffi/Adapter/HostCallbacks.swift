import SwitchyardABI
import SwitchyardJSON

/// The host's callback table, as the adapter uses it: frames out, memory for the host.
struct HostCallbacks: @unchecked Sendable {
    // STATIC per the ABI: the table lives for the whole process.
    let table: UnsafePointer<sy_host_api>

    /// Emits the one terminal frame of a call.
    @discardableResult
    func emitTerminal(callID: UInt64, kind: sy_frame_kind, payload: JSONValue) -> sy_status {
        var bytes = payload.jsonBytes
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var frame = sy_frame(
                struct_size: UInt32(MemoryLayout<sy_frame>.size), kind: kind,
                flags: SY_FRAME_FLAG_END_OF_STREAM, log_level: 0,
                data: UnsafePointer(buffer.baseAddress), length: UInt64(buffer.count))
            return table.pointee.emit(table.pointee.host_context, callID, &frame)
        }
    }

    /// Copies `bytes` into host memory, NUL-terminated; `nil` when the host is out of memory.
    func allocate(_ bytes: some Collection<UInt8>) -> UnsafeMutablePointer<UInt8>? {
        guard let memory = table.pointee.alloc(table.pointee.host_context, UInt64(bytes.count + 1)) else {
            return nil
        }
        let text = memory.bindMemory(to: UInt8.self, capacity: bytes.count + 1)
        var index = 0
        for byte in bytes {
            text[index] = byte
            index += 1
        }
        text[index] = 0
        return text
    }

    /// Hands `message` to the host through an `error_out` parameter, if there is one.
    func report(_ message: String, to errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        guard let errorOut, let memory = allocate(message.utf8) else { return }
        errorOut.pointee = UnsafeMutableRawPointer(memory).assumingMemoryBound(to: CChar.self)
    }
}
