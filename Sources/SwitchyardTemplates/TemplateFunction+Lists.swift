import SwitchyardJSON

/// sprig's list functions past `list`/`first`/`last`. Lists are values here: `append` and
/// `prepend` return a new list (as sprig's do); the `must` forms behave like the plain ones,
/// since neither panics: a wrong type is an error naming the function either way.
extension TemplateFunction {
    func callList(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue? {
        switch self {
        case .tuple:
            return .array(args)
        case .append, .push, .mustAppend, .mustPush:
            try requireArguments(args, 2)
            return .array(try listArgument(args[0], "push") + [args[1]])
        case .prepend, .mustPrepend:
            try requireArguments(args, 2)
            return .array([args[1]] + (try listArgument(args[0], "prepend")))
        case .mustFirst, .mustLast:
            try requireArguments(args, 1)
            let elements = try listArgument(args[0], self == .mustFirst ? "find first" : "find last")
            return (self == .mustFirst ? elements.first : elements.last) ?? .null
        case .rest, .mustRest:
            try requireArguments(args, 1)
            return .array(Array(try listArgument(args[0], "find rest").dropFirst()))
        case .initial, .mustInitial:
            try requireArguments(args, 1)
            return .array(Array(try listArgument(args[0], "find initial").dropLast()))
        case .reverse, .mustReverse:
            try requireArguments(args, 1)
            return .array(try listArgument(args[0], "reverse").reversed())
        case .uniq, .mustUniq:
            try requireArguments(args, 1)
            var kept: [JSONValue] = []
            for element in try listArgument(args[0], "uniq") where !kept.contains(element) { kept.append(element) }
            return .array(kept)
        case .without, .mustWithout:
            try requireArguments(args, 1...Int.max)
            let removed = args.dropFirst()
            return .array(try listArgument(args[0], "find without").filter { !removed.contains($0) })
        case .has, .mustHas:
            try requireArguments(args, 2)
            if args[1].isNull { return false }
            return .bool(try listArgument(args[1], "find has").contains(args[0]))
        case .slice, .mustSlice:
            try requireArguments(args, 1...3)
            let elements = try listArgument(args[0], "slice")
            let start = args.count > 1 ? Int(clamping: sprigInteger(args[1])) : 0
            let end = args.count > 2 ? Int(clamping: sprigInteger(args[2])) : elements.count
            guard 0 <= start, start <= end, end <= elements.count else {
                throw TemplateFailure(reason: "slice bounds out of range [\(start):\(end)] with length \(elements.count)")
            }
            return .array(Array(elements[start..<end]))
        case .concat:
            var joined: [JSONValue] = []
            for argument in args { joined += try listArgument(argument, "concat") }
            return .array(joined)
        case .chunk, .mustChunk:
            try requireArguments(args, 2)
            let size = Int(clamping: sprigInteger(args[0]))
            guard size > 0 else { throw TemplateFailure(reason: "chunk size must be positive, got \(size)") }
            let elements = try listArgument(args[1], "chunk")
            return .array(stride(from: 0, to: elements.count, by: size).map {
                .array(Array(elements[$0..<Swift.min($0 + size, elements.count)]))
            })
        default:
            return nil
        }
    }
}
