import SwitchyardJSON

/// The bounds that keep a hostile template from exhausting the host: rendering fails with an
/// error naming the limit before it allocates past it.
public enum TemplateLimits {
    /// The most UTF-8 bytes one rendered text, or one string or list built while rendering, may
    /// hold (16 MiB). `repeat`, `printf`, `replace` and `join` check their result size first.
    public static let maxRenderedBytes = 16 << 20

    /// The most `range` iterations one render may run (over all loops, nested ones multiplied).
    public static let maxRangeIterations = 10_000_000

    /// The most `printf` width or precision (Go's own bound for `%!(BADWIDTH)`).
    public static let maxFormatWidth = 1_000_000

    /// How deeply a value built by `list` or `dict` may nest.
    public static let maxValueDepth = 512

    static func sizeFailure(_ what: String, bytes: String? = nil) -> TemplateFailure {
        let size = bytes.map { " (\($0) bytes)" } ?? ""
        return TemplateFailure(reason: "\(what)\(size) exceeds the limit of \(maxRenderedBytes) bytes (16 MiB) "
            + "for rendered text and built values")
    }

    /// Fails when a result of `bytes` bytes would exceed the size limit.
    static func checkSize(_ bytes: Int, what: String) throws(TemplateFailure) {
        if bytes > maxRenderedBytes { throw sizeFailure(what, bytes: String(bytes)) }
    }

    /// Fails when `count` copies of `unit` bytes would exceed the size limit.
    static func checkRepeated(_ unit: Int, count: Int64, what: String) throws(TemplateFailure) {
        let (total, overflow) = Int64(unit).multipliedReportingOverflow(by: count)
        if overflow || total > Int64(maxRenderedBytes) {
            throw sizeFailure(what, bytes: overflow ? "more than \(Int64.max)" : String(total))
        }
    }

    /// Fails when `value`, serialized, would exceed the size limit or nest deeper than
    /// `maxValueDepth`. Walks without recursion and stops at the limit, so a value that shares
    /// one list many times over (`$l = list $l $l` in a loop) costs at most the limit to check.
    static func checkBuilt(_ value: JSONValue, what: String) throws(TemplateFailure) {
        var pending: [(value: JSONValue, depth: Int)] = [(value, 1)]
        var bytes = 0
        while let (current, depth) = pending.popLast() {
            switch current {
            case .null, .bool, .int, .double: bytes += 4
            case .string(let text): bytes += text.utf8.count + 2
            case .array(let elements):
                bytes += 1 + elements.count
                if !elements.isEmpty { try checkDepth(depth, what: what) }
                pending.append(contentsOf: elements.lazy.map { ($0, depth + 1) })
            case .object(let members):
                bytes += 1 + members.count
                if !members.isEmpty { try checkDepth(depth, what: what) }
                for (key, member) in members {
                    bytes += key.utf8.count + 3
                    pending.append((member, depth + 1))
                }
            }
            if bytes > maxRenderedBytes { throw sizeFailure(what) }
        }
    }

    private static func checkDepth(_ depth: Int, what: String) throws(TemplateFailure) {
        guard depth < maxValueDepth else {
            throw TemplateFailure(reason: "\(what) nests deeper than the limit of \(maxValueDepth) levels")
        }
    }
}
