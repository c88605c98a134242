import SwitchyardJSON

/// A compozy template (Go text/template syntax with a sprig subset) parsed once and rendered
/// many times over JSON contexts.
///
/// Hand-written: no Go-template library exists for Swift in the package mirror. Supported:
/// `{{ .a.b }}`, `$` and variables (`$x := …`, `$x = …`), pipelines, function calls,
/// parenthesized arguments, literals (`"…"`, `` `…` ``, `'c'`, numbers, `true`/`false`/`nil`),
/// trim markers `{{-`/`-}}`, comments, `if`/`else if`/`else`, `range` (arrays, objects in key
/// order, integers; `$i, $v :=`; `else`; `break`/`continue`), `with`/`else with`. Not supported:
/// `define`, `template`, `block`. Field names may contain inner hyphens (`.tasks.my-task`).
///
/// Output: strings as-is, numbers Go-style (`3`, not `3.0`), null as nothing, arrays and objects
/// as compact JSON with sorted keys. Missing keys fail naming the path, except inside `if`/`with`
/// conditions and arguments of `default`, `empty`, `coalesce`, `and`, `or`, `not`.
public struct Template: Sendable {
    /// How deeply `if`/`with`/`range` blocks and parentheses may nest (together): deeper
    /// templates fail to parse, because parsing and rendering recurse once per level.
    public static let maxNestingDepth = 100

    /// The template text.
    public let source: String
    private let nodes: [TemplateNode]
    /// The pipeline when the template is one action and whitespace: its value keeps its type.
    private let singlePipeline: TemplatePipeline?

    /// Parses `source`.
    /// - Throws: `TemplateError` naming the column, e.g. `unexpected "}}" at column 9`.
    public init(parsing source: String) throws(TemplateError) {
        self.source = source
        let bytes = Array(source.utf8)
        do {
            var lexer = TemplateLexer(bytes)
            var parser = TemplateParser(bytes: bytes, items: try lexer.items())
            nodes = try parser.parse()
        } catch {
            throw TemplateError(reason: error.reason, template: source)
        }
        singlePipeline = Self.singlePipeline(of: nodes)
        isLiteral = nodes.allSatisfy {
            if case .text = $0 { return true }
            return false
        }
    }

    /// True when the text has no actions: `render` returns it unchanged.
    public let isLiteral: Bool

    /// Renders with typed results.
    ///
    /// A template that is a single action (whitespace around it allowed) returns the pipeline's
    /// value with its type: `"{{ .tasks.a.output.list }}"` gives the array. A string from a
    /// pipeline with functions (`{{ toJson .x }}`) then gets the text rule below; a string from a
    /// plain reference stays as it is. Any other template renders to text, and the text becomes
    /// the parsed JSON when it looks like JSON (first non-space `[` or `{`) and parses, a boolean
    /// when it is `true`/`false`, else stays a string. A literal returns its text unchanged.
    /// - Throws: `TemplateError` naming the path of a missing key or the failing function.
    public func render(_ context: JSONValue) throws(TemplateError) -> JSONValue {
        if isLiteral { return .string(source) }
        if let singlePipeline {
            var evaluator = TemplateEvaluator(root: context)
            let value: JSONValue
            do {
                value = try evaluator.evaluate(singlePipeline, dot: context, lenient: false)
            } catch {
                throw TemplateError(reason: error.reason, template: source)
            }
            if case .string(let text) = value, !singlePipeline.isPlainReference {
                return JSONValue.typedTemplateResult(text)
            }
            return value
        }
        return JSONValue.typedTemplateResult(try renderText(context))
    }

    /// Renders to text, without the typed-result conversion.
    /// - Throws: `TemplateError` naming the path of a missing key or the failing function.
    public func renderText(_ context: JSONValue) throws(TemplateError) -> String {
        var evaluator = TemplateEvaluator(root: context)
        do {
            _ = try evaluator.run(nodes, dot: context)
        } catch {
            throw TemplateError(reason: error.reason, template: source)
        }
        return evaluator.output
    }

    private static func singlePipeline(of nodes: [TemplateNode]) -> TemplatePipeline? {
        var found: TemplatePipeline?
        for node in nodes {
            switch node {
            case .text(let text) where text.allSatisfy(\.isWhitespace):
                continue
            case .output(let pipeline) where found == nil && pipeline.declarations.isEmpty:
                found = pipeline
            default:
                return nil
            }
        }
        return found
    }
}
