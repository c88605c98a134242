/// Typed reads of one object of a configuration document (a project file, an agent, an adapter's
/// create config, an API body) that know where the object sits, so every refusal is a
/// `FieldProblem` naming the exact field: `tools[2].ffi`, `agents[0].model.provider`.
///
/// A member that is absent and one written as `null` are the same to every accessor: not given.
/// Accessors throw the first problem; wrap them in `FieldProblems.read` to collect them all.
public struct FieldReader: Sendable {
    /// Where the object sits, e.g. `tasks[1].routes.b`; empty for the document itself.
    public let path: String
    /// The object's members, as written.
    public let members: [String: JSONValue]

    /// Reads `value` as an object at `path`.
    /// - Throws: `FieldProblem` `.wrongType` when `value` is not an object (null included).
    public init(_ value: JSONValue, at path: String = "") throws(FieldProblem) {
        guard let members = value.objectValue else {
            throw FieldProblem(path, .wrongType(expected: .object, found: value))
        }
        self.init(members: members, at: path)
    }

    /// Wraps members already known to form an object.
    public init(members: [String: JSONValue], at path: String = "") {
        self.members = members
        self.path = path
    }

    /// The object as a value.
    public var value: JSONValue { .object(members) }

    /// `base.key`, or `key` at the root.
    public static func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : "\(base).\(key)" }

    /// `base[index]`.
    public static func join(_ base: String, index: Int) -> String { "\(base)[\(index)]" }

    /// The path of member `key`.
    public func path(_ key: String) -> String { Self.join(path, key) }

    /// Whether `key` is written at all, even as `null`.
    public func contains(_ key: String) -> Bool { members[key] != nil }

    /// Member `key` as written; `nil` when absent or null.
    public subscript(key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    /// A string member; `nil` when not given.
    /// - Parameter scalarsAsText: Accepts a number or boolean too, as its JSON text (YAML
    ///   writes `version: 1.0` and `env: {DEBUG: true}` unquoted).
    /// - Throws: `.wrongType` for any other value.
    public func string(_ key: String, scalarsAsText: Bool = false) throws(FieldProblem) -> String? {
        guard let value = self[key] else { return nil }
        switch value {
        case .string(let text): return text
        case .int, .double, .bool:
            if scalarsAsText { return value.jsonString }
        default: break
        }
        throw FieldProblem(path(key), .wrongType(expected: .string, found: value))
    }

    /// A string member that must be given and not be empty.
    /// - Throws: `.missing`, `.empty`, or `.wrongType`.
    public func requiredString(_ key: String, scalarsAsText: Bool = false) throws(FieldProblem) -> String {
        guard let text = try string(key, scalarsAsText: scalarsAsText) else { throw FieldProblem(path(key), .missing) }
        guard !text.isEmpty else { throw FieldProblem(path(key), .empty) }
        return text
    }

    /// A whole-number member (`2.0` counts); `nil` when not given.
    /// - Throws: `.wrongType` for anything else, or a number that does not fit `Int`.
    public func int(_ key: String) throws(FieldProblem) -> Int? {
        guard let value = self[key] else { return nil }
        guard let number = value.intValue, let exact = Int(exactly: number) else {
            throw FieldProblem(path(key), .wrongType(expected: .integer, found: value))
        }
        return exact
    }

    /// A number member; `nil` when not given.
    /// - Throws: `.wrongType` for anything but a number.
    public func number(_ key: String) throws(FieldProblem) -> Double? {
        guard let value = self[key] else { return nil }
        guard let number = value.doubleValue else {
            throw FieldProblem(path(key), .wrongType(expected: .number, found: value))
        }
        return number
    }

    /// A boolean member; `nil` when not given.
    /// - Throws: `.wrongType` for anything but `true` or `false`.
    public func bool(_ key: String) throws(FieldProblem) -> Bool? {
        guard let value = self[key] else { return nil }
        guard let flag = value.boolValue else {
            throw FieldProblem(path(key), .wrongType(expected: .boolean, found: value))
        }
        return flag
    }

    /// An object member, as a reader at its own path; `nil` when not given.
    /// - Throws: `.wrongType` for anything but an object.
    public func object(_ key: String) throws(FieldProblem) -> FieldReader? {
        guard let value = self[key] else { return nil }
        return try FieldReader(value, at: path(key))
    }

    /// An array member; empty when not given.
    /// - Throws: `.wrongType` for anything but an array.
    public func array(_ key: String) throws(FieldProblem) -> [JSONValue] {
        guard let value = self[key] else { return [] }
        guard let elements = value.arrayValue else {
            throw FieldProblem(path(key), .wrongType(expected: .array, found: value))
        }
        return elements
    }

    /// An array member's elements, each with its path (`tools[2]`), to read with
    /// `FieldReader(_:at:)` or as scalars; empty when not given.
    /// - Throws: `.wrongType` for anything but an array.
    public func elements(_ key: String) throws(FieldProblem) -> [(path: String, value: JSONValue)] {
        let base = path(key)
        return try array(key).enumerated().map { (Self.join(base, index: $0.offset), $0.element) }
    }

    /// A string member naming one case of `T`; `nil` when not given.
    /// - Throws: `.notOneOf` listing the allowed names, or `.wrongType`.
    public func oneOf<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type,
                                                          scalarsAsText: Bool = false) throws(FieldProblem) -> T?
    where T.RawValue == String {
        guard let text = try string(key, scalarsAsText: scalarsAsText) else { return nil }
        guard let value = T(rawValue: text) else {
            throw FieldProblem(path(key), .notOneOf(field: key, found: text, allowed: T.allCases.map(\.rawValue)))
        }
        return value
    }

    /// A member in a caller's own format (a duration, a reference); `nil` when not given.
    /// - Parameters:
    ///   - parse: The value, or `nil` when it is not in the format.
    ///   - reason: What to say about a value `parse` refused.
    /// - Throws: `.invalid` with `reason`'s text.
    public func parsed<Value>(_ key: String, _ parse: (JSONValue) -> Value?,
                              otherwise reason: (JSONValue) -> String) throws(FieldProblem) -> Value? {
        guard let value = self[key] else { return nil }
        guard let parsed = parse(value) else { throw FieldProblem(path(key), .invalid(reason(value))) }
        return parsed
    }
}
