import SwitchyardRuntime
/// Text a plugin hands the host (error messages, log lines), made fit for one line of a log or
/// of `error[KIND]: …` on stderr: cut at ``limit`` bytes with "… (N bytes cut)", and control
/// characters escaped (`\n`, `\r`, `\t`, `\u{1B}`), so one message is always one line.
enum PluginText {
    /// The most UTF-8 bytes of a plugin's message the host keeps (16 KiB).
    static let limit = 16 << 10

    /// `text` as one line of at most ``limit`` bytes, escapes included (plus the cut note).
    static func oneLine(_ text: String, limit: Int = PluginText.limit) -> String {
        let utf8 = text.utf8
        if utf8.count <= limit, !utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return text }
        var line = ""
        line.reserveCapacity(min(utf8.count, limit) + 32)
        var kept = 0  // input bytes taken
        var written = 0  // output bytes: escapes count at their escaped size
        for scalar in text.unicodeScalars {
            let escaped: String? = switch scalar.value {
            case 0x0A: "\\n"
            case 0x0D: "\\r"
            case 0x09: "\\t"
            case 0..<0x20, 0x7F: "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: nil
            }
            let size = escaped?.utf8.count ?? UTF8.width(scalar)
            guard written + size <= limit else { break }
            written += size
            kept += UTF8.width(scalar)
            if let escaped { line += escaped } else { line.unicodeScalars.append(scalar) }
        }
        if kept < utf8.count { line += "… (\(utf8.count - kept) bytes cut)" }
        return line
    }

    /// `error` with its message made one line.
    static func oneLine(_ error: ToolError) -> ToolError {
        var error = error
        error.message = oneLine(error.message)
        return error
    }
}
