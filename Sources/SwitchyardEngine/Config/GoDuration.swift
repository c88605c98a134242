import SwitchyardJSON

/// Go duration strings (`"30s"`, `"1m30s"`, `"500ms"`, `"1h"`), the format compozy files use.
///
/// Hand-written because Foundation has no parser for Go's format and it is a dozen lines.
public enum GoDuration {
    private static let units: [(String, Duration)] = [
        ("ns", .nanoseconds(1)), ("us", .microseconds(1)), ("µs", .microseconds(1)),
        ("ms", .milliseconds(1)), ("s", .seconds(1)), ("m", .seconds(60)), ("h", .seconds(3600)),
    ]

    /// Parses `text`; `nil` when it is not a Go duration.
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingWhitespace)
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return .zero }
        var total = Duration.zero
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isNumber || $0 == ".") }
            guard let unit = units.first(where: { $0.0 == unitText })?.1 else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += unit * value
        }
        return total
    }

    /// Formats `duration` the way Go prints it, e.g. `1m30s`, `500ms`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if seconds == 0 {
            let nanos = attoseconds / 1_000_000_000
            if nanos % 1_000_000 == 0 { return "\(nanos / 1_000_000)ms" }
            if nanos % 1000 == 0 { return "\(nanos / 1000)us" }
            return "\(nanos)ns"
        }
        var text = ""
        let hours = seconds / 3600, minutes = (seconds % 3600) / 60, rest = seconds % 60
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        let fraction = Double(attoseconds) / 1e18
        if rest > 0 || fraction > 0 || text.isEmpty {
            text += fraction > 0 ? "\(Double(rest) + fraction)s" : "\(rest)s"
        }
        return text
    }
}

extension FieldReader {
    /// A Go duration member (`timeout: 30s`); `nil` when not given.
    /// - Throws: `FieldProblem` `.invalid` naming the value and the expected format.
    func duration(_ key: String) throws(FieldProblem) -> Duration? {
        try parsed(key, { $0.stringValue.flatMap(GoDuration.parse) }, otherwise: {
            "bad duration \($0.jsonString): expected a Go duration like \"30s\", \"1m30s\" or \"500ms\""
        })
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

extension Duration {
    /// Seconds as a `Double`.
    var seconds: Double {
        let (whole, atto) = components
        return Double(whole) + Double(atto) / 1e18
    }
}
