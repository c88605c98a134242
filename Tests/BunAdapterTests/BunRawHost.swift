import Foundation
import SwitchyardABI
import Synchronization

/// libswitchyard_bun.so driven through its C ABI by a host written in the test: for what the
/// `SwitchyardAdapterHost` cannot show (a malformed handshake) or hides (each `log` call).
final class BunRawHost: @unchecked Sendable {
    /// What the adapter sent: log lines and frames, from any thread.
    final class Recorder: Sendable {
        struct Frame: Sendable {
            var callID: UInt64
            var kind: UInt32
            var flags: UInt32
            var bytes: [UInt8]
        }
        let logLines = Mutex<[String]>([])
        let frames = Mutex<[Frame]>([])

        /// True once the call's terminal chunk arrived.
        func ended(_ callID: UInt64) -> Bool {
            frames.withLock { $0.contains { $0.callID == callID && $0.flags & SY_FRAME_FLAG_END_OF_STREAM != 0 } }
        }
    }

    let recorder = Recorder()
    /// The host table: alive until this object goes, which is after the instance was destroyed.
    let hostTable: UnsafeMutablePointer<sy_host_api>
    let entry: sy_adapter_entry_fn

    /// Loads the library (it is never unloaded, as the ABI allows) and builds a host table.
    /// - Parameter size: the `struct_size` the table claims.
    init(major: UInt32 = SY_ABI_VERSION_MAJOR, minor: UInt32 = SY_ABI_VERSION_MINOR,
         size: Int = MemoryLayout<sy_host_api>.size) throws {
        guard let handle = dlopen(BunAdapterHarness.libraryPath, RTLD_NOW),
              let symbol = dlsym(handle, SY_ADAPTER_ENTRY_SYMBOL) else {
            throw TestFailure("cannot load \(BunAdapterHarness.libraryPath): \(String(cString: dlerror()))")
        }
        entry = unsafeBitCast(symbol, to: sy_adapter_entry_fn.self)
        hostTable = .allocate(capacity: 1)
        hostTable.initialize(to: sy_host_api(
            struct_size: UInt32(size), abi_major: major, abi_minor: minor, reserved: 0,
            host_context: Unmanaged.passUnretained(recorder).toOpaque(),
            log: { context, _, message, length in
                let text = String(decoding: UnsafeRawBufferPointer(start: message, count: Int(length)), as: UTF8.self)
                BunRawHost.recorder(context).logLines.withLock { $0.append(text) }
            },
            emit: { context, callID, frame in
                guard let frame = frame?.pointee else { return SY_E_INVALID_ARGUMENT }
                let bytes = Array(UnsafeRawBufferPointer(start: frame.data, count: Int(frame.length)))
                BunRawHost.recorder(context).frames.withLock {
                    $0.append(Recorder.Frame(callID: callID, kind: frame.kind, flags: frame.flags, bytes: bytes))
                }
                return SY_OK
            },
            alloc: { _, size in malloc(Int(max(size, 1))) },
            free_memory: { _, memory in free(memory) }))
    }

    deinit { hostTable.deallocate() }

    private static func recorder(_ context: UnsafeMutableRawPointer?) -> Recorder {
        Unmanaged<Recorder>.fromOpaque(context!).takeUnretainedValue()
    }

    /// Runs the entry with an adapter table claiming `tableSize` bytes inside a 128-byte buffer
    /// pre-filled with 0xAB, so a test sees every byte the adapter wrote.
    func handshake(tableSize: UInt32 = UInt32(MemoryLayout<sy_adapter_api>.size)) -> (status: sy_status, table: [UInt8]) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xAB, count: 128)
        buffer.storeBytes(of: tableSize, as: UInt32.self)
        let status = entry(hostTable, buffer.assumingMemoryBound(to: sy_adapter_api.self))
        return (status, Array(UnsafeRawBufferPointer(start: buffer, count: 128)))
    }

    /// A ready adapter table (the handshake must succeed).
    func adapterTable() throws -> sy_adapter_api {
        var table = sy_adapter_api()
        table.struct_size = UInt32(MemoryLayout<sy_adapter_api>.size)
        let status = entry(hostTable, &table)
        guard status == SY_OK else { throw TestFailure("handshake failed with \(status)") }
        return table
    }
}

/// A failed test precondition, with what was wrong.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
