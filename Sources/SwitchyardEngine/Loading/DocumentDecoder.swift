import SwitchyardJSON

/// Builds config values out of a parsed document with `FieldReader`s, recording every problem
/// (with its path) instead of stopping at the first, so `switchyard validate` can list them all.
///
/// The helpers below read the way compozy files are written: YAML scalars are accepted as text
/// where a string is expected, and a member that is absent or null is simply not given.
struct DocumentDecoder {
    /// The file being read, named in every problem.
    let file: String
    /// Problems found so far.
    var problems = FieldProblems()

    init(file: String) { self.file = file }

    /// Every problem so far, as `FILE: PATH: REASON` errors.
    var errors: [ConfigError] {
        problems.all.map { ConfigError(file: file, path: $0.path, reason: $0.reason.description) }
    }

    mutating func fail(_ path: String, _ reason: String) { problems.record(path, reason) }

    mutating func read<Value>(_ read: () throws(FieldProblem) -> Value?) -> Value? { problems.read(read) }

    /// The mapping `value` at `path`, or nil (with a problem when it is present but not a mapping).
    mutating func mapping(_ value: JSONValue?, at path: String) -> FieldReader? {
        guard let value, !value.isNull else { return nil }
        return read { () throws(FieldProblem) in try FieldReader(value, at: path) }
    }

    mutating func mapping(_ fields: FieldReader, _ key: String) -> FieldReader? {
        read { () throws(FieldProblem) in try fields.object(key) }
    }

    mutating func elements(_ fields: FieldReader, _ key: String) -> [(path: String, value: JSONValue)] {
        read { () throws(FieldProblem) in try fields.elements(key) } ?? []
    }

    mutating func array(_ fields: FieldReader, _ key: String) -> [JSONValue] {
        read { () throws(FieldProblem) in try fields.array(key) } ?? []
    }

    mutating func string(_ fields: FieldReader, _ key: String, required: Bool = false) -> String? {
        if required {
            return read { () throws(FieldProblem) in try fields.requiredString(key, scalarsAsText: true) }
        }
        return read { () throws(FieldProblem) in try fields.string(key, scalarsAsText: true) }
    }

    mutating func int(_ fields: FieldReader, _ key: String) -> Int? {
        read { () throws(FieldProblem) in try fields.int(key) }
    }

    mutating func bool(_ fields: FieldReader, _ key: String) -> Bool? {
        read { () throws(FieldProblem) in try fields.bool(key) }
    }

    mutating func duration(_ fields: FieldReader, _ key: String) -> Duration? {
        read { () throws(FieldProblem) in try fields.duration(key) }
    }

    mutating func enumValue<T: RawRepresentable & CaseIterable>(_ fields: FieldReader, _ key: String,
                                                                as type: T.Type) -> T? where T.RawValue == String {
        read { () throws(FieldProblem) in try fields.oneOf(key, as: type, scalarsAsText: true) }
    }

    /// A `{NAME: value}` map of strings; numbers and booleans are written as text, null as "".
    mutating func stringMap(_ fields: FieldReader, _ key: String) -> [String: String] {
        guard let map = mapping(fields, key) else { return [:] }
        var result: [String: String] = [:]
        for name in map.members.keys {
            if let text = read({ () throws(FieldProblem) in try map.string(name, scalarsAsText: true) ?? "" }) {
                result[name] = text
            }
        }
        return result
    }

    /// `tool: ID` or `tool: {id: ID}`.
    mutating func reference(_ fields: FieldReader, _ key: String) -> String? {
        read { () throws(FieldProblem) in
            try fields.parsed(key, { $0.stringValue ?? $0["id"]?.stringValue },
                              otherwise: { _ in "expected an id or a mapping with an id" })
        }
    }
}
