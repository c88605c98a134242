#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SwitchyardIsolation

/// Writes frames to the host, one whole frame at a time, from any thread.
final class FrameWriter: Sendable {
    let descriptor: Int32
    private let lock = Mutex(())

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Sends one frame; blocks while the pipe is full (the host reads continuously). A host
    /// that went away ends the helper.
    func send(_ kind: HelperFrame.Kind, callID: UInt64 = 0, argument: UInt8 = 0, payload: [UInt8] = []) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(HelperFrame.headerSize + payload.count)
        HelperFrame.appendHeader(kind: kind, argument: argument, callID: callID, payloadLength: payload.count, to: &bytes)
        bytes.append(contentsOf: payload)
        lock.withLock { _ in
            bytes.withUnsafeBytes { raw in
                var written = 0
                while written < raw.count {
                    let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                    if count > 0 { written += count; continue }
                    if count < 0 && errno == EINTR { continue }
                    _exit(0)
                }
            }
        }
    }
}
