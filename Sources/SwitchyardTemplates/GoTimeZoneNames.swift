import Foundation
import Synchronization

/// Zone abbreviations (`EST`, `CET`, `IST`) as Go prints them for `MST` in a layout.
///
/// Go reads them from the tz database; Foundation on Linux answers `GMT-5` instead. So this
/// reads the zone's TZif file (`/usr/share/zoneinfo/NAME`, RFC 8536) once and keeps, per UTC
/// offset, the last abbreviation the zone used with it. The offset itself still comes from
/// Foundation, which applies the zone's rules.
enum GoTimeZoneNames {
    private static let cache = Mutex<[String: [Int: String]]>([:])

    /// The abbreviation `zone` uses at `offset` seconds east of UTC, or nil when unknown.
    static func abbreviation(zone identifier: String, offset: Int) -> String? {
        if let known = cache.withLock({ $0[identifier] }) { return known[offset] }
        let names = readNames(identifier)
        cache.withLock { $0[identifier] = names }
        return names[offset]
    }

    private static func readNames(_ identifier: String) -> [Int: String] {
        guard !identifier.contains(".."),
            let data = FileManager.default.contents(atPath: "/usr/share/zoneinfo/" + identifier) else { return [:] }
        let bytes = [UInt8](data)
        func count(_ at: Int) -> Int? {
            guard at + 4 <= bytes.count else { return nil }
            return Int(UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3]))
        }
        // Version 1 header: magic "TZif", version, 15 reserved bytes, then six counts.
        guard bytes.count >= 44, bytes[0..<4] == [0x54, 0x5A, 0x69, 0x66],
            let isutc = count(20), let isstd = count(24), let leaps = count(28), let times = count(32),
            let types = count(36), let chars = count(40) else { return [:] }
        _ = (isutc, isstd, leaps)
        let typesStart = 44 + times * 5
        let charsStart = typesStart + types * 6
        guard charsStart + chars <= bytes.count else { return [:] }
        var names: [Int: String] = [:]
        for index in 0..<types {
            let entry = typesStart + index * 6
            guard let raw = count(entry) else { break }
            let offset = Int(Int32(bitPattern: UInt32(raw)))
            let start = charsStart + Int(bytes[entry + 5])
            guard start < charsStart + chars else { continue }
            let end = bytes[start..<(charsStart + chars)].firstIndex(of: 0) ?? (charsStart + chars)
            names[offset] = String(decoding: bytes[start..<end], as: UTF8.self)
        }
        return names
    }
}
