import SwitchyardJSON

/// The merge rules of compozy's `pkg/ref`: `$merge` (objects `deep` | `shallow` | `replace`,
/// arrays `concat` | `prepend` | `unique` | `replace`, with the aliases `append` = concat and
/// `union` = unique; `key_conflict: replace | first | error`) and the inline merge of the keys
/// beside a `$ref`/`$use` (`!merge:<strategy,key_conflict>`, deep and replace by default: the
/// sibling keys win).
enum DirectiveMerge {
    /// `$merge`'s and the inline merge's strategies.
    enum Strategy: String, Sendable {
        case `default`, deep, shallow, replace, concat, prepend, unique, append, union
    }

    /// What happens when two object sources have the same key.
    enum KeyConflict: String, Sendable {
        /// The later source wins (compozy's default; older versions called it `last`).
        case replace
        case first, error
    }

    /// Merges object sources (nils skipped).
    static func objects(_ sources: [JSONValue], strategy: Strategy, keyConflict: KeyConflict) throws(DirectiveFailure)
        -> JSONValue {
        let strategy = strategy == .default ? .deep : strategy
        if strategy == .replace { return sources.last(where: { !$0.isNull }) ?? .emptyObject }
        guard strategy == .deep || strategy == .shallow else {
            throw DirectiveFailure("invalid object merge strategy: \(strategy.rawValue) (must be 'deep', 'shallow', or 'replace')")
        }
        var result: [String: JSONValue] = [:]
        for case .object(let members) in sources {
            try merge(members, into: &result, deep: strategy == .deep, keyConflict: keyConflict)
        }
        return .object(result)
    }

    private static func merge(_ source: [String: JSONValue], into result: inout [String: JSONValue], deep: Bool,
                              keyConflict: KeyConflict) throws(DirectiveFailure) {
        // Sorted so a `key_conflict: error` names the same key every time.
        for key in source.keys.sorted() {
            guard let value = source[key] else { continue }
            if let existing = result[key] {
                switch keyConflict {
                case .error: throw DirectiveFailure("key conflict: '\(key)' already exists")
                case .first: continue
                case .replace: break
                }
                if deep, case .object(var existingMembers) = existing, case .object(let members) = value {
                    try merge(members, into: &existingMembers, deep: true, keyConflict: keyConflict)
                    result[key] = .object(existingMembers)
                    continue
                }
            }
            result[key] = value
        }
    }

    /// Merges array sources (nils skipped).
    static func arrays(_ sources: [JSONValue], strategy: Strategy) throws(DirectiveFailure) -> JSONValue {
        var strategy = strategy
        switch strategy {
        case .default, .append: strategy = .concat
        case .union: strategy = .unique
        default: break
        }
        let lists = sources.compactMap(\.arrayValue)
        switch strategy {
        case .replace:
            return sources.last(where: { !$0.isNull }) ?? .array([])
        case .concat:
            return .array(lists.flatMap { $0 })
        case .prepend:
            // Each source goes before everything merged so far (compozy's order: the last first).
            return .array(lists.reversed().flatMap { $0 })
        case .unique:
            var seen: Set<JSONValue> = []
            return .array(lists.flatMap { $0 }.filter { seen.insert($0).inserted })
        default:
            throw DirectiveFailure("invalid array merge strategy: \(strategy.rawValue) "
                + "(must be 'concat', 'prepend', 'unique', or 'replace')")
        }
    }

    /// Merges evaluated `$merge` sources: all objects or all arrays (nils skipped; only nils
    /// give an empty object). `strategyName` and `keyConflictName` are as written (nil: absent).
    static func sources(_ sources: [JSONValue], strategyName: String?, keyConflictName: String?)
        throws(DirectiveFailure) -> JSONValue {
        var sawObject = false, sawArray = false
        for source in sources {
            switch source {
            case .null: continue
            case .object: sawObject = true
            case .array: sawArray = true
            default: throw DirectiveFailure("$merge source must be an object or array, got \(source.typeName)")
            }
            if sawObject && sawArray { throw DirectiveFailure("$merge sources must be all objects or all arrays, not mixed") }
        }
        guard sawObject || sawArray else { return .emptyObject }
        let strategy = strategyName.map { Strategy(rawValue: $0) } ?? .default
        if sawArray {
            guard let strategy else {
                throw DirectiveFailure("invalid array merge strategy: \(strategyName ?? "") "
                    + "(must be 'concat', 'prepend', 'unique', or 'replace')")
            }
            return try arrays(sources, strategy: strategy)
        }
        guard let strategy else {
            throw DirectiveFailure("invalid object merge strategy: \(strategyName ?? "") (must be 'deep', 'shallow', or 'replace')")
        }
        // `last` is what compozy's earlier versions called `replace`.
        let keyConflict = keyConflictName.map { $0 == "last" ? .replace : KeyConflict(rawValue: $0) } ?? .replace
        guard let keyConflict else {
            throw DirectiveFailure("invalid key_conflict: \(keyConflictName ?? "") (must be 'replace', 'first', or 'error')")
        }
        return try objects(sources, strategy: strategy, keyConflict: keyConflict)
    }

    /// The options of `!merge:<…>`: a strategy and/or a key-conflict rule, comma-separated;
    /// words that are neither are ignored, as compozy does.
    static func inlineOptions(_ text: String) -> (Strategy, KeyConflict) {
        var strategy = Strategy.deep, keyConflict = KeyConflict.replace
        for part in text.split(separator: ",") {
            let word = String(part).trimmingWhitespace
            if let parsed = Strategy(rawValue: word) {
                strategy = parsed
            } else if let parsed = KeyConflict(rawValue: word) {
                keyConflict = parsed
            }
        }
        return (strategy, keyConflict)
    }

    /// A `$ref`'s result merged with the keys beside it: the result first, the siblings over it.
    static func inline(_ result: JSONValue, siblings: [String: JSONValue], options: String) throws(DirectiveFailure)
        -> JSONValue {
        let (strategy, keyConflict) = inlineOptions(options)
        if strategy == .replace { return result }
        switch result {
        case .object:
            return try objects([result, .object(siblings)], strategy: strategy, keyConflict: keyConflict)
        case .array:
            throw DirectiveFailure("cannot merge array result with object siblings")
        case .null:
            return .object(siblings)
        default:
            throw DirectiveFailure("cannot merge scalar result with siblings: result is \(result.typeName)")
        }
    }

    /// compozy's older `$ref: FILE!merge` (the default of the older syntax): the inline keys
    /// are the base and the referenced value is merged over them (the reference wins), arrays
    /// under the same key appended; `!replace` keeps only the referenced value; `!append`
    /// concatenates two arrays, the inline one first.
    static func legacy(_ referenced: JSONValue, inline: JSONValue?, mode: String) throws(DirectiveFailure) -> JSONValue {
        guard let inline else { return referenced }
        switch mode {
        case "replace":
            return referenced
        case "append":
            if referenced.isNull, case .array = inline { return inline }
            guard case .array(let first) = inline, case .array(let second) = referenced else {
                throw DirectiveFailure("append mode requires both values to be arrays")
            }
            return .array(first + second)
        default:
            guard case .object(let base) = inline, case .object(let over) = referenced else {
                return referenced.isNull ? inline : referenced
            }
            return .object(legacyMerge(over, into: base))
        }
    }

    private static func legacyMerge(_ over: [String: JSONValue], into base: [String: JSONValue]) -> [String: JSONValue] {
        var result = base
        for (key, value) in over {
            switch (result[key], value) {
            case (.object(let existing)?, .object(let members)):
                result[key] = .object(legacyMerge(members, into: existing))
            case (.array(let existing)?, .array(let elements)):
                result[key] = .array(existing + elements)
            default:
                result[key] = value
            }
        }
        return result
    }
}

/// A directive that cannot be evaluated, before the resolver adds where and through which
/// references it was reached.
struct DirectiveFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
