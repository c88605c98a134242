/// Which strings may name a tool. The loader checks every declared tool id with it (so
/// `switchyard validate` reports a bad one with its file and field) and runtime adapters check
/// every call's id again (a host may build requests without the loader).
///
/// An id is a relative, slash-separated name: runtimes resolve it to an export or a file under
/// the project, so an absolute id or a `..` step could reach outside it, and characters beyond
/// `A-Z a-z 0-9 _ / . -` would need quoting in logs, URLs and the worker protocol.
public enum ToolIdentifierRules {
    /// Why `id` is not an acceptable tool id, or nil when it is.
    /// - Parameter id: the tool id as declared or as a call names it.
    /// - Returns: a sentence naming the id and the rule it breaks.
    public static func problem(_ id: String) -> String? {
        if id.isEmpty { return "the tool id is empty" }
        if id.hasPrefix("/") { return "tool id \"\(id)\" must not be absolute" }
        if id.contains("..") { return "tool id \"\(id)\" must not contain \"..\"" }
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "/"),
                 UInt8(ascii: "."), UInt8(ascii: "-"):
                continue
            default:
                return "tool id \"\(id)\" may contain only A-Z a-z 0-9 _ / . -"
            }
        }
        return nil
    }
}
