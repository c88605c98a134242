import SwitchyardJSON

/// Finds the JSON value in a model's answer, which may wrap it in prose or a code fence.
public enum EmbeddedJSON {
    /// The whole text parsed as JSON if it is JSON; else the first balanced `{...}` or `[...]`
    /// span that parses; else `nil`.
    ///
    /// Balancing skips brackets inside strings, so `{"a": "}"}` is one value.
    public static func firstValue(in text: String) -> JSONValue? {
        let bytes = Array(text.utf8)
        if let whole = try? JSONValue(parsing: bytes) { return whole }
        var start = 0
        while let open = bytes[start...].firstIndex(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") }) {
            if let end = balancedEnd(in: bytes, from: open), let value = try? JSONValue(parsing: bytes[open...end]) {
                return value
            }
            start = open + 1
        }
        return nil
    }

    /// The index of the bracket closing the one at `open`, or `nil` if it never closes.
    private static func balancedEnd(in bytes: [UInt8], from open: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for index in open..<bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }
}
