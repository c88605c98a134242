import SwitchyardJSON

/// How a collection's rendered `items` becomes its list, as compozy's v0 engine does it
/// (`engine/task2/collection/normalizer.go` `ExpandCollectionItems` and `type_converter.go`
/// `ConvertToSlice`): a string is parsed as JSON first; a list gives its elements; an object
/// gives `{key, value}` items in key order; `null` gives none; a string that is not JSON is a
/// range (`"1..5"`, `"5..1"`, `"a..e"`) or else a one-item list; any other value is a one-item list.
enum CollectionItems {
    /// The most items a range string may produce (compozy has no bound; one keeps a typo such as
    /// `"1..1000000000"` from allocating a billion items).
    static let maximumRangeCount = 1_000_000

    /// The items `rendered` stands for.
    /// - Throws: `TaskFailure` for a range longer than `maximumRangeCount`.
    static func list(_ rendered: JSONValue) throws -> [JSONValue] {
        switch rendered {
        case .array(let items): return items
        case .object(let members): return members.keys.sorted().map { ["key": .string($0), "value": members[$0]!] }
        case .null: return []
        case .string(let text):
            if let parsed = try? JSONValue(parsing: text) {
                if case .string(let inner) = parsed { return try rangeOrSingle(inner) }
                return try list(parsed)
            }
            return try rangeOrSingle(text)
        default: return [rendered]
        }
    }

    private static func rangeOrSingle(_ text: String) throws -> [JSONValue] {
        if let items = try range(text) { return items }
        return [.string(text)]
    }

    /// A literal `items` string checked at load time: the list it parses to, or why it is refused.
    /// Stricter than compozy on purpose: a literal string that is neither a JSON list or object
    /// nor a range would run as a one-item collection, which is never what its author meant.
    static func literal(_ text: String) -> Result<JSONValue, LiteralProblem> {
        if let parsed = try? JSONValue(parsing: text) {
            switch parsed {
            case .array, .object: return .success(parsed)
            default: break
            }
        }
        do {
            if let items = try range(text) { return .success(.array(items)) }
        } catch {
            return .failure(LiteralProblem(reason: "\(error)"))
        }
        let excerpt = text.count > 60 ? String(text.prefix(60)) + "…" : text
        return .failure(LiteralProblem(
            reason: "the string \"\(excerpt)\" is neither a JSON array (or object) nor a range such as \"1..5\""))
    }

    /// Why a literal `items` string is refused.
    struct LiteralProblem: Error {
        let reason: String
    }

    /// `"1..5"` → 1…5, `"5..1"` → 5…1, `"a..e"` → the letters; `nil` when `text` is no range.
    static func range(_ text: String) throws -> [JSONValue]? {
        let parts = text.trimmingWhitespace.split(separator: "..", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let start = String(parts[0]).trimmingWhitespace, end = String(parts[1]).trimmingWhitespace
        if let low = wholeNumber(start), let high = wholeNumber(end) {
            let count = low <= high ? high - low : low - high
            guard count < maximumRangeCount else {
                throw TaskFailure("items: the range \"\(text)\" has more than \(maximumRangeCount) items")
            }
            let step = low <= high ? 1 : -1
            return stride(from: low, through: high, by: step).map { .int(Int64($0)) }
        }
        guard start.unicodeScalars.count == 1, end.unicodeScalars.count == 1,
              let first = start.unicodeScalars.first, let last = end.unicodeScalars.first,
              first.properties.isAlphabetic, last.properties.isAlphabetic,
              sameAlphabet(first, last)
        else { return nil }
        let low = first.value, high = last.value
        let step: Int = low <= high ? 1 : -1
        return stride(from: Int(low), through: Int(high), by: step).compactMap {
            Unicode.Scalar(UInt32($0)).map { .string(String(Character($0))) }
        }
    }

    /// compozy's `parseNumber`: an integer, or a float with no fraction (`"42.0"`).
    private static func wholeNumber(_ text: String) -> Int? {
        if let number = Int(text) { return number }
        guard let number = Double(text), number == number.rounded(), abs(number) < 9e15 else { return nil }
        return Int(number)
    }

    /// compozy's `isSameScript`, simplified: ASCII letters of the same case, else the same
    /// 128-code-point block.
    private static func sameAlphabet(_ first: Unicode.Scalar, _ last: Unicode.Scalar) -> Bool {
        if first.isASCII, last.isASCII {
            return first.properties.isUppercase == last.properties.isUppercase
        }
        return first.value / 128 == last.value / 128
    }
}
