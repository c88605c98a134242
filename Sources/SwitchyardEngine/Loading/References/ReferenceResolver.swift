import Foundation
import SwitchyardJSON

/// Evaluates compozy's reference directives in a parsed document, before it is decoded, as
/// compozy's `pkg/ref` evaluator does:
/// - `$ref: SCOPE::PATH[!merge:<OPTIONS>]`: the value at a GJSON path of the `local` scope (the
///   document itself), the `global` scope (the project file) or a `resource` (`TYPE::SELECTOR`);
///   keys beside it are merged over the value (`DirectiveMerge.inline`);
/// - `$use: COMPONENT(SCOPE::PATH)`: `{COMPONENT: value}`, siblings merged the same way;
/// - `$merge`: a list of sources, or `{strategy, key_conflict, sources}` (`DirectiveMerge`);
/// - compozy's earlier `$ref: ./file.yaml[::PATH|#/POINTER][!merge|!replace|!append]`,
///   `$global::PATH` and bare `PATH` (the current document).
/// A map holds at most one directive; every result is evaluated again, so references chain;
/// a reference reached again through its own chain is a cycle.
struct ReferenceResolver {
    /// Finds a `resource::TYPE::SELECTOR` value; nil when the resolver has no resources.
    typealias ResourceLookup = (_ type: String, _ selector: String) throws(DirectiveFailure) -> JSONValue

    /// The `global::` scope (compozy: the project configuration as a map).
    var global: JSONValue?
    /// Resolves `resource::` references.
    var resources: ResourceLookup?
    /// Files read for earlier-form file references, by absolute path.
    var files: [String: JSONValue] = [:]

    init(global: JSONValue?, resources: ResourceLookup? = nil) {
        self.global = global
        self.resources = resources
    }

    /// The directive keys.
    static let directives = ["$ref", "$use", "$merge"]

    /// Where evaluation is: the document `local::` and bare paths read, and the file relative
    /// file references start from.
    struct Frame {
        var local: JSONValue?
        var file: String
    }

    /// A failure with the place in the loaded document where its directive chain started.
    struct Failure: Error {
        var path: String
        var reason: String
    }

    /// `document` (from `file`) with every directive evaluated; `local::` reads `local`, by
    /// default the document itself (compozy's `LoadAndEval`).
    /// - Throws: `ConfigError` at the path of the directive that failed, naming the directive
    ///   and the chain of references that led there.
    mutating func resolve(_ document: JSONValue, file: String, local: JSONValue? = nil) throws(ConfigError) -> JSONValue {
        guard Self.containsDirective(document) else { return document }
        do {
            let frame = Frame(local: local ?? document, file: file)
            return try evaluate(document, at: "", inReference: false, chain: [], frame: frame)
        } catch {
            throw ConfigError(file: file, path: error.path, reason: error.reason)
        }
    }

    /// Whether any map in `value` has a directive key (the common case of none costs one walk).
    static func containsDirective(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members):
            return directives.contains(where: { members[$0] != nil }) || members.values.contains(where: containsDirective)
        case .array(let elements):
            return elements.contains(where: containsDirective)
        default:
            return false
        }
    }

    // MARK: - Walk

    mutating func evaluate(_ node: JSONValue, at path: String, inReference: Bool, chain: [String], frame: Frame)
        throws(Failure) -> JSONValue {
        switch node {
        case .object(let members):
            let present = Self.directives.filter { members[$0] != nil }
            if present.count > 1 { throw Failure(path: path, reason: "multiple directives are not allowed in a map") }
            if let directive = present.first {
                let result = try apply(directive, members, at: path, chain: chain, frame: frame)
                return try evaluate(result, at: path, inReference: true, chain: chain, frame: frame)
            }
            var result: [String: JSONValue] = [:]
            // In key order, so the first problem reported is the same every time.
            for key in members.keys.sorted() {
                guard let value = members[key] else { continue }
                let childPath = inReference ? path : FieldReader.join(path, key)
                result[key] = try evaluate(value, at: childPath, inReference: inReference, chain: chain, frame: frame)
            }
            return .object(result)
        case .array(let elements):
            var result: [JSONValue] = []
            result.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                let childPath = inReference ? path : FieldReader.join(path, index: index)
                result.append(try evaluate(element, at: childPath, inReference: inReference, chain: chain, frame: frame))
            }
            return .array(result)
        default:
            return node
        }
    }

    private mutating func apply(_ directive: String, _ members: [String: JSONValue], at path: String, chain: [String],
                                frame: Frame) throws(Failure) -> JSONValue {
        var siblings = members
        let value = siblings.removeValue(forKey: directive) ?? .null
        switch directive {
        case "$merge":
            guard siblings.isEmpty else { throw Failure(path: path, reason: "$merge directive cannot have sibling keys") }
            return try merge(value, at: path, chain: chain, frame: frame)
        case "$use":
            guard case .string(let text) = value else { throw Failure(path: path, reason: "$use must be a string") }
            guard let (component, reference) = ReferenceSyntax.use(text),
                  case .scoped(let scope, let referencePath, let options) = reference else {
                throw Failure(path: path, reason: "invalid $use syntax: \(text), expected format: "
                    + "<component=agent|tool|task|mcp>(<scope=local|global|resource>::<gjson_path>)[!merge:<options>]")
            }
            let label = "$use \(component)(\(scope)::\(referencePath))"
            let resolved = try lookUp(scope, referencePath, label: label, at: path, chain: chain, frame: frame)
            let wrapped = JSONValue.object([component: resolved])
            guard !siblings.isEmpty else { return wrapped }
            return try inlineMerge(label, at: path) { () throws(DirectiveFailure) in
                let (strategy, keyConflict) = DirectiveMerge.inlineOptions(options ?? "")
                return try DirectiveMerge.objects([wrapped, .object(siblings)], strategy: strategy, keyConflict: keyConflict)
            }
        default:
            guard case .string(let text) = value else { throw Failure(path: path, reason: "$ref must be a string") }
            switch ReferenceSyntax.reference(text) {
            case .scoped(let scope, let referencePath, let options)?:
                let label = "$ref \(scope)::\(referencePath)"
                let resolved = try lookUp(scope, referencePath, label: label, at: path, chain: chain, frame: frame)
                guard !siblings.isEmpty else { return resolved }
                return try inlineMerge(label, at: path) { () throws(DirectiveFailure) in
                    try DirectiveMerge.inline(resolved, siblings: siblings, options: options ?? "")
                }
            case .legacy(let file, let global, let legacyPath, let mode)?:
                let resolved = try legacyLookUp(file: file, global: global, path: legacyPath, label: "$ref \(text)",
                                                at: path, chain: chain, frame: frame)
                return try inlineMerge("$ref \(text)", at: path) { () throws(DirectiveFailure) in
                    try DirectiveMerge.legacy(resolved, inline: siblings.isEmpty ? nil : .object(siblings), mode: mode)
                }
            case nil:
                throw Failure(path: path, reason: "invalid $ref syntax: \(text), expected format: "
                    + "<scope=local|global|resource>::<gjson_path>[!merge:<options>] (or ./file.yaml[::<path>])")
            }
        }
    }

    private func inlineMerge(_ label: String, at path: String, _ body: () throws(DirectiveFailure) -> JSONValue)
        throws(Failure) -> JSONValue {
        do { return try body() } catch { throw Failure(path: path, reason: "\(label): \(error.reason)") }
    }

    // MARK: - $merge

    private mutating func merge(_ value: JSONValue, at path: String, chain: [String], frame: Frame) throws(Failure)
        -> JSONValue {
        var value = value
        // `$merge: {$ref: …}` takes its sources from the directive's result.
        if case .object(let members) = value, members.count == 1, Self.directives.contains(where: { members[$0] != nil }) {
            value = try evaluate(value, at: path, inReference: true, chain: chain, frame: frame)
        }
        let sources: [JSONValue]
        var strategyName: String?, keyConflictName: String?
        switch value {
        case .array(let elements):
            sources = elements
        case .object(let members):
            guard let listed = members["sources"] else {
                throw Failure(path: path, reason: "$merge mapping must contain 'sources' key")
            }
            guard case .array(let elements) = listed else {
                throw Failure(path: path, reason: "$merge sources must be a sequence")
            }
            if let unknown = members.keys.sorted().first(where: { !["sources", "strategy", "key_conflict"].contains($0) }) {
                throw Failure(path: path, reason: "unknown key in $merge: \(unknown)")
            }
            sources = elements
            strategyName = members["strategy"]?.stringValue
            keyConflictName = members["key_conflict"]?.stringValue
        default:
            throw Failure(path: path, reason: "$merge must be a sequence or mapping with 'sources'")
        }
        guard !sources.isEmpty else { throw Failure(path: path, reason: "$merge sources cannot be empty") }
        var evaluated: [JSONValue] = []
        for (index, source) in sources.enumerated() {
            evaluated.append(try evaluate(source, at: FieldReader.join(FieldReader.join(path, "$merge"), index: index),
                                          inReference: true, chain: chain, frame: frame))
        }
        do {
            return try DirectiveMerge.sources(evaluated, strategyName: strategyName, keyConflictName: keyConflictName)
        } catch {
            throw Failure(path: path, reason: "$merge: \(error.reason)")
        }
    }
}
