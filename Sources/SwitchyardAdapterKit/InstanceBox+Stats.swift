import SwitchyardABI
import SwitchyardJSON

/// What an instance reports through ABI 1.1's `stats` hook: `{"gauges": {…}, "counters": {…}}`.
package struct InstanceStatistics: Sendable {
    /// Values now, by name (`[a-z0-9_]`).
    package var gauges: [String: Int]
    /// Totals since `create`, by name (ending in `_total`).
    package var counters: [String: Int]

    /// Statistics from their parts.
    package init(gauges: [String: Int] = [:], counters: [String: Int] = [:]) {
        self.gauges = gauges
        self.counters = counters
    }

    /// The hook's JSON.
    package var json: JSONValue {
        ["gauges": .object(gauges.mapValues { .int(Int64($0)) }),
         "counters": .object(counters.mapValues { .int(Int64($0)) })]
    }
}

extension InstanceBox {
    /// The `stats` hook (ABI 1.1): `statistics` must not block; its JSON goes to the host in
    /// the host's memory.
    package static func stats(
        _ pointer: OpaquePointer?, jsonOut: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
        lengthOut: UnsafeMutablePointer<UInt64>?, _ statistics: (Instance) -> InstanceStatistics
    ) -> sy_status {
        guard let instance = borrow(pointer), let jsonOut, let lengthOut else { return SY_E_INVALID_ARGUMENT }
        let bytes = statistics(instance).json.jsonBytes
        guard let memory = instance.host.allocateBytes(bytes) else { return SY_E_INTERNAL }
        jsonOut.pointee = memory
        lengthOut.pointee = UInt64(bytes.count)
        return SY_OK
    }
}
