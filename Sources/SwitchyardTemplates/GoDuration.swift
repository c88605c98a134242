/// Go's `time.Duration` text: `String()` (`1h30m0s`, `1.5s`, `250ms`, `0s`) and `ParseDuration`.
enum GoDuration {
    /// Go's `Duration.String()` of `nanoseconds`.
    static func text(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        var magnitude = nanoseconds.magnitude
        var result: String
        if magnitude < 1_000_000_000 {
            switch magnitude {
            case ..<1000: result = "\(magnitude)ns"
            case ..<1_000_000: result = fraction(&magnitude, places: 3) + "µs"
            default: result = fraction(&magnitude, places: 6) + "ms"
            }
        } else {
            let secondsFraction = fraction(&magnitude, places: 9, wholeShown: false)
            result = "\(magnitude % 60)\(secondsFraction)s"
            magnitude /= 60
            if magnitude > 0 {
                result = "\(magnitude % 60)m" + result
                magnitude /= 60
                if magnitude > 0 { result = "\(magnitude)h" + result }
            }
        }
        return (nanoseconds < 0 ? "-" : "") + result
    }

    /// The last `places` digits as `.ddd` without trailing zeros; `value` keeps the rest.
    private static func fraction(_ value: inout UInt64, places: Int, wholeShown: Bool = true) -> String {
        var scale: UInt64 = 1
        for _ in 0..<places { scale *= 10 }
        var digits = String(value % scale)
        digits = String(repeating: "0", count: places - digits.count) + digits
        while digits.last == "0" { digits.removeLast() }
        value /= scale
        let tail = digits.isEmpty ? "" : "." + digits
        return wholeShown ? "\(value)" + tail : tail
    }

    /// Go's `time.ParseDuration`: `300ms`, `-1.5h`, `2h45m`; units ns, us/µs, ms, s, m, h.
    static func parse(_ text: String) -> Int64? {
        var scalars = Array(text.unicodeScalars)[...]
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if scalars.count == 1, scalars.first == "0" { return 0 }
        guard !scalars.isEmpty else { return nil }
        var total: Double = 0
        while !scalars.isEmpty {
            let number = scalars.prefix { ("0"..."9").contains($0) || $0 == "." }
            guard !number.isEmpty, number != ["."], let value = Double(String(String.UnicodeScalarView(number))) else { return nil }
            scalars = scalars.dropFirst(number.count)
            let unit = String(String.UnicodeScalarView(scalars.prefix { !("0"..."9").contains($0) && $0 != "." }))
            scalars = scalars.dropFirst(unit.unicodeScalars.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs", "μs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default: return nil
            }
            total += value * scale
        }
        guard total < 9.223372036854775807e18 else { return nil }
        return Int64(negative ? -total : total)
    }
}
