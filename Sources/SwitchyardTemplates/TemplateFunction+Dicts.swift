import SwitchyardJSON

/// sprig's dict functions past `dict`/`keys`/`hasKey`. Dicts are values here: `set`, `unset`
/// and the merges return the changed dict; when the dict was a variable (`set $d "k" 1`), the
/// evaluator rebinds the variable, so Go's `{{ $_ := set $d "k" 1 }}` idiom works.
extension TemplateFunction {
    /// The functions that change the dict they are given in Go (see `TemplateEvaluator`).
    var changesItsDict: Bool {
        switch self {
        case .set, .unset, .merge, .mustMerge, .mergeOverwrite, .mustMergeOverwrite: return true
        default: return false
        }
    }

    func callDict(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue? {
        switch self {
        case .get:
            try requireArguments(args, 2)
            return try dictArgument(args[0], "get")[textArgument(args[1])] ?? ""
        case .set:
            try requireArguments(args, 3)
            var members = try dictArgument(args[0], "set")
            members[textArgument(args[1])] = args[2]
            return .object(members)
        case .unset:
            try requireArguments(args, 2)
            var members = try dictArgument(args[0], "unset")
            members[textArgument(args[1])] = nil
            return .object(members)
        case .pluck:
            try requireArguments(args, 1...Int.max)
            let key = textArgument(args[0])
            var found: [JSONValue] = []
            for argument in args.dropFirst() {
                if let value = try dictArgument(argument, "pluck")[key] { found.append(value) }
            }
            return .array(found)
        case .pick, .omit:
            try requireArguments(args, 1...Int.max)
            let members = try dictArgument(args[0], self == .pick ? "pick" : "omit")
            let named = Set(args.dropFirst().map(\.templateText))
            return .object(members.filter { named.contains($0.key) == (self == .pick) })
        case .merge, .mustMerge, .mergeOverwrite, .mustMergeOverwrite:
            try requireArguments(args, 1...Int.max)
            let overwrite = self == .mergeOverwrite || self == .mustMergeOverwrite
            var merged = try dictArgument(args[0], "merge")
            for source in args.dropFirst() {
                merged = merging(merged, into: try dictArgument(source, "merge"), overwrite: overwrite)
            }
            return .object(merged)
        case .values:
            try requireArguments(args, 1)
            let members = try dictArgument(args[0], "values")
            return .array(members.keys.sorted().map { members[$0]! })
        case .dig:
            // dig KEY… DEFAULT DICT: the value under the keys, or DEFAULT when a step is missing.
            try requireArguments(args, 3...Int.max)
            var current = JSONValue.object(try dictArgument(args[args.count - 1], "dig"))
            for key in args.dropLast(2) {
                guard case .object(let members) = current, let next = members[textArgument(key)] else {
                    return args[args.count - 2]
                }
                current = next
            }
            return current
        default:
            return nil
        }
    }
}

/// mergo's `Merge` (dst wins unless its value is empty) and `Merge(WithOverride)` (a source
/// value replaces dst's unless the source's is empty); dicts on both sides merge key by key.
private func merging(_ destination: [String: JSONValue], into source: [String: JSONValue], overwrite: Bool)
    -> [String: JSONValue]
{
    var result = destination
    for (key, value) in source {
        switch (result[key], value) {
        case (.object(let existing)?, .object(let incoming)):
            result[key] = .object(merging(existing, into: incoming, overwrite: overwrite))
        case (let existing?, _):
            if overwrite ? value.isTemplateTruthy : !existing.isTemplateTruthy { result[key] = value }
        case (nil, _):
            result[key] = value
        }
    }
    return result
}
