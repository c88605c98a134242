import Foundation
import SwitchyardFFI
import SwitchyardJSON
import Synchronization

/// A frame the adapter emitted, copied out of the borrowed `sy_frame`.
struct RecordedFrame: Sendable, Equatable {
    var callID: UInt64
    var kind: UInt32
    var flags: UInt32
    var payload: JSONValue
}

/// Collects frames from the adapter's `emit` calls (any thread).
final class FrameRecorder: Sendable {
    let frames = Mutex<[RecordedFrame]>([])

    func frames(for callID: UInt64) -> [RecordedFrame] {
        frames.withLock { $0.filter { $0.callID == callID } }
    }
}

/// A minimal host for an adapter library, written against the raw ABI layout of
/// `include/switchyard/adapter.h` (its offsets are pinned there) and calling every hook through
/// `CallInterface` — the way a foreign host would, and without linking `SwitchyardABI`.
final class RawAdapterHost: @unchecked Sendable {
    static let frameResult: UInt32 = 3
    static let frameError: UInt32 = 4
    static let endOfStream: UInt32 = 2

    let recorder = FrameRecorder()
    let library: DynamicLibrary
    /// The `sy_host_api` table (56 bytes), alive for the process as the ABI requires.
    let hostTable: UnsafeMutableRawPointer
    /// The `sy_adapter_api` table (80 bytes) the entry filled in.
    let adapterTable: UnsafeMutableRawPointer

    /// The built adapter library: SwiftPM puts it in the bin directory, beside the test binary.
    static var adapterLibraryPath: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("libswitchyard_ffi.so").path
    }

    private static let log: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafeRawPointer?, UInt64) -> Void = { _, _, _, _ in }
    private static let emit: @convention(c) (UnsafeMutableRawPointer?, UInt64, UnsafeRawPointer?) -> Int32 = { context, callID, frame in
        guard let context, let frame else { return 1 }
        let recorder = Unmanaged<FrameRecorder>.fromOpaque(context).takeUnretainedValue()
        let data = frame.load(fromByteOffset: 16, as: UnsafeRawPointer?.self)
        let length = Int(frame.load(fromByteOffset: 24, as: UInt64.self))
        let bytes = data.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
        let payload = (try? JSONValue(parsing: bytes)) ?? .string("<not JSON: \(String(decoding: bytes, as: UTF8.self))>")
        recorder.frames.withLock {
            $0.append(RecordedFrame(
                callID: callID, kind: frame.load(fromByteOffset: 4, as: UInt32.self),
                flags: frame.load(fromByteOffset: 8, as: UInt32.self), payload: payload))
        }
        return 0
    }
    private static let alloc: @convention(c) (UnsafeMutableRawPointer?, UInt64) -> UnsafeMutableRawPointer? = { _, size in
        malloc(Int(size))
    }
    private static let freeMemory: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { _, memory in
        free(memory)
    }

    /// Loads the adapter and runs its entry with a host of `abiMajor.abiMinor`.
    /// - Parameter adapterTableSize: the `struct_size` the host claims for `sy_adapter_api`.
    init(abiMajor: UInt32 = 1, abiMinor: UInt32 = 0, adapterTableSize: UInt32 = 80) throws {
        library = try DynamicLibrary.open(Self.adapterLibraryPath)
        hostTable = .allocate(byteCount: 56, alignment: 8)
        hostTable.storeBytes(of: 56, toByteOffset: 0, as: UInt32.self)
        hostTable.storeBytes(of: abiMajor, toByteOffset: 4, as: UInt32.self)
        hostTable.storeBytes(of: abiMinor, toByteOffset: 8, as: UInt32.self)
        hostTable.storeBytes(of: 0, toByteOffset: 12, as: UInt32.self)
        hostTable.storeBytes(of: Unmanaged.passUnretained(recorder).toOpaque(), toByteOffset: 16, as: UnsafeMutableRawPointer.self)
        hostTable.storeBytes(of: unsafeBitCast(Self.log, to: UnsafeRawPointer.self), toByteOffset: 24, as: UnsafeRawPointer.self)
        hostTable.storeBytes(of: unsafeBitCast(Self.emit, to: UnsafeRawPointer.self), toByteOffset: 32, as: UnsafeRawPointer.self)
        hostTable.storeBytes(of: unsafeBitCast(Self.alloc, to: UnsafeRawPointer.self), toByteOffset: 40, as: UnsafeRawPointer.self)
        hostTable.storeBytes(of: unsafeBitCast(Self.freeMemory, to: UnsafeRawPointer.self), toByteOffset: 48, as: UnsafeRawPointer.self)
        // Room past the claimed size, filled with a sentinel, shows what the adapter wrote.
        adapterTable = .allocate(byteCount: 128, alignment: 8)
        adapterTable.initializeMemory(as: UInt8.self, repeating: 0xAB, count: 128)
        adapterTable.storeBytes(of: adapterTableSize, toByteOffset: 0, as: UInt32.self)
    }

    /// Calls `switchyard_adapter_entry(host, api_out)`.
    func runEntry() throws -> Int32 {
        let entry = try library.symbol("switchyard_adapter_entry")
        return Int32(truncatingIfNeeded: invoke(entry, [.pointer, .pointer], [address(hostTable), address(adapterTable)]))
    }

    /// A field of the adapter table.
    func adapterField<Value>(at offset: Int, as type: Value.Type) -> Value {
        adapterTable.load(fromByteOffset: offset, as: type)
    }

    private func hook(at offset: Int) -> UnsafeRawPointer {
        adapterTable.load(fromByteOffset: offset, as: UnsafeRawPointer.self)
    }

    /// `create(host, config, length, &instance, &error)`.
    func create(config: String) -> (status: Int32, instance: UInt64, error: String?) {
        let configJSON = strdup(config)!
        defer { free(configJSON) }
        let outputs = OutputSlots(2)  // instance, error
        let status = invoke(
            hook(at: 32), [.pointer, .pointer, .uint64, .pointer, .pointer],
            [address(hostTable), address(configJSON), UInt64(config.utf8.count), outputs.address(0), outputs.address(1)])
        return (Int32(truncatingIfNeeded: status), outputs[0], takeString(outputs[1]))
    }

    /// `describe(instance, &json, &length, &error)`.
    func describe(_ instance: UInt64) throws -> JSONValue {
        let outputs = OutputSlots(3)  // json, length, error
        let status = invoke(
            hook(at: 40), [.pointer, .pointer, .pointer, .pointer],
            [instance, outputs.address(0), outputs.address(1), outputs.address(2)])
        guard status == 0, let memory = UnsafeMutableRawPointer(bitPattern: UInt(outputs[0])) else {
            throw TestFailure("describe failed with \(status): \(takeString(outputs[2]) ?? "")")
        }
        defer { free(memory) }
        return try JSONValue(parsing: UnsafeRawBufferPointer(start: memory, count: Int(outputs[1])))
    }

    /// `start_call(instance, &request, &error)` with `tool_id` and `input` as given.
    func startCall(_ instance: UInt64, callID: UInt64, tool: String, input: String) -> (status: Int32, error: String?) {
        let toolID = strdup(tool)!, inputJSON = strdup(input)!, empty = strdup("{}")!
        defer { free(toolID); free(inputJSON); free(empty) }
        let request = UnsafeMutableRawPointer.allocate(byteCount: 88, alignment: 8)
        defer { request.deallocate() }
        request.initializeMemory(as: UInt8.self, repeating: 0, count: 88)
        request.storeBytes(of: 88, toByteOffset: 0, as: UInt32.self)
        request.storeBytes(of: callID, toByteOffset: 8, as: UInt64.self)
        request.storeBytes(of: address(toolID), toByteOffset: 16, as: UInt64.self)
        request.storeBytes(of: UInt64(tool.utf8.count), toByteOffset: 24, as: UInt64.self)
        request.storeBytes(of: address(inputJSON), toByteOffset: 32, as: UInt64.self)
        request.storeBytes(of: UInt64(input.utf8.count), toByteOffset: 40, as: UInt64.self)
        for offset in [48, 64] { request.storeBytes(of: address(empty), toByteOffset: offset, as: UInt64.self) }
        for offset in [56, 72] { request.storeBytes(of: 2, toByteOffset: offset, as: UInt64.self) }
        let outputs = OutputSlots(1)  // error
        let status = invoke(hook(at: 48), [.pointer, .pointer, .pointer], [instance, address(request), outputs.address(0)])
        return (Int32(truncatingIfNeeded: status), takeString(outputs[0]))
    }

    /// `cancel_call`, `release_call` and `destroy`.
    func cancel(_ instance: UInt64, callID: UInt64) { _ = invoke(hook(at: 56), [.pointer, .uint64], [instance, callID], returning: .void) }
    func release(_ instance: UInt64, callID: UInt64) { _ = invoke(hook(at: 64), [.pointer, .uint64], [instance, callID], returning: .void) }
    func destroy(_ instance: UInt64) { _ = invoke(hook(at: 72), [.pointer], [instance], returning: .void) }

    /// Calls a C function whose arguments are all 8-byte integers or pointers.
    private func invoke(_ function: UnsafeRawPointer, _ types: [FFIType], _ values: [UInt64], returning: FFIType = .int32) -> Int64 {
        let interface = try! CallInterface.cached(returning: returning, arguments: types)
        var storage = values
        var result: Int64 = 0
        storage.withUnsafeMutableBufferPointer { buffer in
            var pointers: [UnsafeMutableRawPointer?] = (0..<buffer.count).map { UnsafeMutableRawPointer(buffer.baseAddress! + $0) }
            interface.call(function, result: &result, arguments: &pointers)
        }
        return result
    }

    private func address(_ pointer: UnsafeRawPointer) -> UInt64 { UInt64(UInt(bitPattern: pointer)) }
    private func address(_ pointer: UnsafeMutableRawPointer) -> UInt64 { UInt64(UInt(bitPattern: pointer)) }
    private func address(_ pointer: UnsafeMutablePointer<CChar>) -> UInt64 { UInt64(UInt(bitPattern: pointer)) }

    private func takeString(_ address: UInt64) -> String? {
        guard let memory = UnsafeMutablePointer<CChar>(bitPattern: UInt(address)) else { return nil }
        defer { free(memory) }
        return String(cString: memory)
    }
}

/// Zeroed 8-byte slots for a hook's out-parameters, freed with the object.
final class OutputSlots {
    private let slots: UnsafeMutablePointer<UInt64>

    init(_ count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: 0, count: count)
    }

    deinit { slots.deallocate() }

    func address(_ index: Int) -> UInt64 { UInt64(UInt(bitPattern: slots + index)) }

    subscript(index: Int) -> UInt64 { slots[index] }
}
