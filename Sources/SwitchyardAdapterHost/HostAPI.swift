#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import SwitchyardABI
import SwitchyardRuntime

/// The host API table (`sy_host_api`) handed to every adapter.
///
/// One table per adapter instance (``HostBinding``), whose `host_context` binds the instance's
/// calls to it, plus one library-level table with context 0 for the entry function; all are
/// allocated once and never freed: the ABI promises adapters that a table and everything it points
/// to outlive them. Calls are found through `CallRegistry` by their process-unique id, and a frame
/// is taken only from the instance the call was started on.
enum HostAPI {
    /// The logger adapter `log` callbacks write to.
    static let adapterLogger = Logger(label: "switchyard.adapter")

    /// The library-level table, handed to the entry function (context 0: no instance, so `emit`
    /// through it is refused). Immutable after creation; shared across threads as the ABI requires.
    nonisolated(unsafe) static let table: UnsafePointer<sy_host_api> = makeTable(context: 0)

    /// A new table (never freed) whose callbacks receive `context` as their `host_context`.
    static func makeTable(context: UInt64) -> UnsafePointer<sy_host_api> {
        let table = UnsafeMutablePointer<sy_host_api>.allocate(capacity: 1)
        table.initialize(to: sy_host_api(
            struct_size: UInt32(MemoryLayout<sy_host_api>.size),
            abi_major: SY_ABI_VERSION_MAJOR,
            abi_minor: SY_ABI_VERSION_MINOR,
            reserved: 0,
            host_context: UnsafeMutableRawPointer(bitPattern: UInt(context)),
            log: { context, level, message, length in
                let loggerLevel = HostAPI.loggerLevel(level)
                guard HostAPI.adapterLogger.logLevel <= loggerLevel else { return }
                let text = message.map {
                    String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
                } ?? ""
                // The `log` callback names no call: the line carries the adapter its table was made for.
                let adapterID = HostBinding.binding(forContext: UInt64(UInt(bitPattern: context)))?.adapterID
                HostAPI.adapterLogger.log(level: loggerLevel, "\(PluginText.oneLine(text))",
                                          metadata: adapterID.map { HostAPI.metadata(adapter: $0) })
            },
            emit: { context, callID, frame in
                CallRegistry.deliver(from: UInt64(UInt(bitPattern: context)), callID, frame)
            },
            alloc: { _, size in malloc(Int(clamping: max(size, 1))) },
            free_memory: { _, memory in free(memory) }))
        return UnsafePointer(table)
    }

    /// Log metadata naming the adapter and, when a call is known, its tool and host call id.
    static func metadata(adapter: String, toolID: String? = nil, callID: UInt64? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["adapter": "\(adapter)"]
        if let toolID { metadata["tool_id"] = "\(toolID)" }
        if let callID { metadata["call_id"] = "\(callID)" }
        return metadata
    }

    static func loggerLevel(_ level: Int32) -> Logger.Level {
        switch level {
        case ..<1: .trace
        case 1: .debug
        case 2: .info
        case 3: .warning
        default: .error
        }
    }

    /// Takes a NUL-terminated text the adapter allocated with `alloc` (an `error_out`), frees it
    /// and returns it; `nil` for a null pointer.
    static func takeText(_ text: UnsafeMutablePointer<CChar>?) -> String? {
        guard let text else { return nil }
        defer { free(text) }
        return PluginText.oneLine(String(cString: text))
    }
}
