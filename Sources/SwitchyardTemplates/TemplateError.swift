import SwitchyardJSON

/// A template that failed to parse or to render: the reason, the template text and, when the
/// template came from a JSON document, where in it (`tasks[2].with.name`).
///
/// The reason carries the position for syntax errors (`unexpected "}}" at column 9`) and the
/// reference path for evaluation errors (`missing key "x" at .tasks.x`).
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, with the column or the reference path.
    public var reason: String
    /// The full template text.
    public var template: String
    /// Where the template sits in the document it came from (`tasks[2].with.name`), if known.
    public var path: String?

    /// Creates an error.
    /// - Parameters:
    ///   - reason: what went wrong.
    ///   - template: the template text.
    ///   - path: where the template sits in its document.
    public init(reason: String, template: String, path: String? = nil) {
        self.reason = reason
        self.template = template
        self.path = path
    }

    /// `<path>: template "<text>": <reason>`; long templates are shortened to keep logs readable.
    public var description: String {
        let shown = template.count > 120 ? String(template.prefix(117)) + "..." : template
        let head = path.map { "\($0): " } ?? ""
        return "\(head)template \"\(shown)\": \(reason)"
    }

    /// The same error located at `path` in a document.
    func located(at path: String?) -> TemplateError {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }
}

/// An evaluation failure before it is tied to its template text.
struct TemplateFailure: Error {
    var reason: String
}

/// Turns a byte offset into "column C" (or "line L, column C" past the first line), counting
/// Unicode scalars from 1 so the number matches what an editor shows.
func describePosition(_ offset: Int, in bytes: [UInt8]) -> String {
    let end = min(offset, bytes.count)
    var line = 1
    var lineStart = 0
    for index in 0..<end where bytes[index] == UInt8(ascii: "\n") {
        line += 1
        lineStart = index + 1
    }
    let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).unicodeScalars.count + 1
    return line == 1 ? "column \(column)" : "line \(line), column \(column)"
}
