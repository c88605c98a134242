#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import Synchronization
import SwitchyardABI
import SwitchyardJSON
import SwitchyardRuntime

/// The host `plugin check` is: a host table of its own whose `emit` records every frame of the
/// instance it was handed to, so the check sees what the real host forgives — frames after the
/// terminal one, frames after `release_call`, frames sent before a failing `start_call` status —
/// and drives each hook on a thread of its own, so a hook that blocks is reported, not waited on.
final class ConformanceProbe: Sendable {
    /// What the probe saw of one call.
    struct CallRecord: Sendable {
        let toolID: String
        var decoder: FrameStreamDecoder
        /// The decided outcome: the terminal frame's, or a protocol failure the probe found.
        var outcome: Result<JSONValue, ToolError>?
        /// The adapter's terminal frame arrived.
        var ended = false
        /// `release_call` was called.
        var released = false
        /// Frames before `start_call` returned.
        var framesDuringStart = 0
        var startReturned = false
        var framesAfterEnd = 0
        var framesAfterRelease = 0
    }

    private let calls = Mutex<[UInt64: CallRecord]>([:])
    private let lastCallID = Atomic<UInt64>(0)
    /// Frames for call ids the probe never handed out.
    let unknownCallFrames = Atomic<Int>(0)

    /// The table handed to `create`: its `host_context` is this probe (kept alive for the
    /// process, as the ABI promises the table outlives the plugin).
    let table: ProbeTable

    init() {
        let table = UnsafeMutablePointer<sy_host_api>.allocate(capacity: 1)
        self.table = ProbeTable(pointer: UnsafePointer(table))
        let context = Unmanaged.passRetained(self).toOpaque()
        table.initialize(to: sy_host_api(
            struct_size: UInt32(MemoryLayout<sy_host_api>.size), abi_major: SY_ABI_VERSION_MAJOR,
            abi_minor: SY_ABI_VERSION_MINOR, reserved: 0, host_context: context,
            log: { _, _, _, _ in },
            emit: { context, callID, frame in
                guard let context else { return SY_E_INVALID_ARGUMENT }
                return Unmanaged<ConformanceProbe>.fromOpaque(context).takeUnretainedValue().receive(callID, frame)
            },
            alloc: { _, size in malloc(Int(clamping: max(size, 1))) },
            free_memory: { _, memory in free(memory) }))
    }

    /// A new call id, recorded before `start_call` so frames sent inside it are seen.
    func beginCall(toolID: String) -> UInt64 {
        let id = lastCallID.wrappingAdd(1, ordering: .relaxed).newValue
        calls.withLock { $0[id] = CallRecord(toolID: toolID, decoder: FrameStreamDecoder(toolID: toolID)) }
        return id
    }

    /// What the probe knows of call `id` now.
    func record(_ id: UInt64) -> CallRecord? { calls.withLock { $0[id] } }

    /// Every call's record.
    var records: [CallRecord] { calls.withLock { Array($0.values) } }

    func startReturned(_ id: UInt64) { calls.withLock { $0[id]?.startReturned = true } }
    func released(_ id: UInt64) { calls.withLock { $0[id]?.released = true } }

    private func receive(_ callID: UInt64, _ frame: UnsafePointer<sy_frame>?) -> sy_status {
        guard let frame, UnsafeRawPointer(frame).load(as: UInt32.self) >= UInt32(MemoryLayout<sy_frame>.size) else {
            return SY_E_INVALID_ARGUMENT
        }
        let header = frame.pointee
        guard header.length <= UInt64(Int.max), header.data != nil || header.length == 0 else { return SY_E_INVALID_ARGUMENT }
        let payload = UnsafeRawBufferPointer(start: header.data, count: Int(header.length))
        let kind = FrameStreamDecoder.Kind(rawValue: header.kind)
        let flags = FrameStreamDecoder.Flags(rawValue: header.flags)
        return calls.withLock { calls -> sy_status in
            guard var call = calls[callID] else {
                unknownCallFrames.wrappingAdd(1, ordering: .relaxed)
                return SY_E_NOT_FOUND
            }
            defer { calls[callID] = call }
            if !call.startReturned { call.framesDuringStart += 1 }
            if call.released {
                call.framesAfterRelease += 1
                return SY_E_NOT_FOUND
            }
            if call.ended {
                call.framesAfterEnd += 1
                return SY_E_ENDED
            }
            let terminal = kind.isTerminal && flags.contains(.endOfStream)
            if call.outcome != nil {  // a protocol failure was found: drain to the end
                call.ended = terminal
                return SY_OK
            }
            do throws(ToolError) {
                if case .finished(let outcome) = try call.decoder.consume(
                    kind: kind, flags: flags, logLevel: header.log_level, payload: payload)
                {
                    call.outcome = outcome
                    call.ended = true
                }
                return SY_OK
            } catch {
                call.outcome = .failure(error)
                call.ended = terminal
                return SY_E_INVALID_ARGUMENT
            }
        }
    }

    /// Runs `hook` on a thread of its own and waits (without blocking the caller's thread) until
    /// it returns or `limit` passes; `nil` when it did not return in time (the thread is left).
    static func bounded<T: Sendable>(_ limit: Duration, _ hook: @escaping @Sendable () -> T) async -> T? {
        let box = Mutex<T?>(nil)
        let done = Atomic<Bool>(false)
        let thread = Thread {
            let value = hook()
            box.withLock { $0 = value }
            done.store(true, ordering: .releasing)
        }
        thread.stackSize = 1 << 20
        thread.start()
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !done.load(ordering: .acquiring) {
            guard clock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return box.withLock { $0 }
    }

    /// Waits until `condition` holds for call `id` or `limit` passes; returns whether it held.
    func wait(_ id: UInt64, for limit: Duration, until condition: (CallRecord) -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while true {
            if let call = record(id), condition(call) { return true }
            guard clock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// The probe's host table pointer: immutable after creation, shared across threads as the ABI
/// requires.
struct ProbeTable: @unchecked Sendable {
    let pointer: UnsafePointer<sy_host_api>
}

extension AdapterLibrary {
    /// `create` handed the probe's table instead of the host's, so the probe sees the
    /// instance's frames. (The host's own `create` wrapper hands the host's table.)
    func createProbed(config: [UInt8], host: UnsafePointer<sy_host_api>) throws(HookFailure) -> AdapterInstance {
        var instance: UnsafeMutableRawPointer?
        var errorText: UnsafeMutablePointer<CChar>?
        let status = config.withUnsafeBufferPointer { configBytes in
            withUnsafeMutablePointer(to: &instance) { instanceOut in
                withUnsafeMutablePointer(to: &errorText) { errorOut in
                    LibFFIHook.status(
                        interfaces.create, hooks.create, LibFFIHook.slot(host), LibFFIHook.slot(configBytes.baseAddress),
                        UInt64(configBytes.count - 1), LibFFIHook.slot(instanceOut), LibFFIHook.slot(errorOut))
                }
            }
        }
        let message = HostAPI.takeText(errorText)
        guard status == SY_OK, let instance else {
            throw HookFailure(status: status == SY_OK ? SY_E_INTERNAL : status, message: message ?? "no instance")
        }
        return AdapterInstance(pointer: instance)
    }
}
