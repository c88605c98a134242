#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SwitchyardABI

extension AdapterLibrary {
    /// Whether the adapter has ABI 1.1's `stats` hook (and settled on 1.1 or later).
    public var hasStatistics: Bool { hooks.stats != nil }

    /// The most statistics JSON the host reads from one `stats` call.
    static let statisticsLimit: UInt64 = 64 << 10

    /// `stats`: the instance's statistics JSON, or nil when the adapter has no hook, answered
    /// anything but `SY_OK`, or handed back more than `statisticsLimit` bytes.
    func stats(_ instance: AdapterInstance) -> [UInt8]? {
        guard let function = hooks.stats else { return nil }
        var json: UnsafeMutablePointer<UInt8>?
        var length: UInt64 = 0
        // `sy_status (sy_instance *, uint8_t **, uint64_t *)`: the start_call interface's shape.
        let status = withUnsafeMutablePointer(to: &json) { jsonOut in
            withUnsafeMutablePointer(to: &length) { lengthOut in
                LibFFIHook.status(interfaces.startCall, function, LibFFIHook.slot(instance.pointer),
                                  LibFFIHook.slot(jsonOut), LibFFIHook.slot(lengthOut))
            }
        }
        defer { free(json) }
        guard status == SY_OK, let json, length <= Self.statisticsLimit else { return nil }
        return Array(UnsafeBufferPointer(start: json, count: Int(length)))
    }
}
