import SwitchyardJSON

extension TemplateFunction {
    /// The functions past Go's builtins and the original sprig subset, one family a file. Each
    /// family answers nil for a function that is not its own; the case was resolved when the
    /// template was parsed, so this is a few jump tables per call, never a lookup by name.
    func callFamily(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue {
        if let result = try callString(args) { return result }
        if let result = try callMath(args) { return result }
        if let result = try callDefaults(args) { return result }
        if let result = try callList(args) { return result }
        if let result = try callDict(args) { return result }
        if let result = try callEncoding(args) { return result }
        if let result = try callRegex(args) { return result }
        if let result = try callDate(args) { return result }
        if let result = try callPath(args) { return result }
        throw TemplateFailure(reason: "has no implementation")  // every case belongs to a family
    }
}

extension TemplateFunction {
    /// Functions that can return a list or dict bigger than their arguments: the evaluator
    /// checks their results against `TemplateLimits` as it does `list` and `dict`'s.
    var buildsValues: Bool {
        switch self {
        case .list, .dict, .tuple, .append, .push, .mustAppend, .mustPush, .prepend, .mustPrepend, .concat,
             .set, .merge, .mustMerge, .mergeOverwrite, .mustMergeOverwrite, .chunk, .mustChunk, .split, .splitn,
             .splitList, .toStrings, .regexFindAll, .mustRegexFindAll, .regexSplit, .mustRegexSplit:
            return true
        default:
            return false
        }
    }
}

// MARK: Argument checks and sprig's conversions, shared by the families.

/// Fails unless exactly `count` arguments were given (the evaluator prefixes the function name).
func requireArguments(_ args: [JSONValue], _ count: Int) throws(TemplateFailure) {
    guard args.count == count else { throw wrongArgumentCount("\(count)", got: args.count) }
}

/// Fails unless `range` covers the number of arguments given.
func requireArguments(_ args: [JSONValue], _ range: ClosedRange<Int>) throws(TemplateFailure) {
    guard range.contains(args.count) else {
        let wanted = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
        throw wrongArgumentCount(wanted, got: args.count)
    }
}

func wrongArgumentCount(_ wanted: String, got: Int) -> TemplateFailure {
    TemplateFailure(reason: "wrong number of arguments: want \(wanted), got \(got)")
}

/// sprig's `toInt64` (through spf13/cast): numbers truncated, integer text (decimal, `0x`, `0o`,
/// `0b` or a leading `0` for octal), booleans as 0/1, and 0 for anything else, never an error.
func sprigInteger(_ value: JSONValue) -> Int64 {
    switch value {
    case .int(let number): return number
    case .double(let number):
        guard number.isFinite, let truncated = Int64(exactly: number.rounded(.towardZero)) else { return 0 }
        return truncated
    case .bool(let flag): return flag ? 1 : 0
    case .string(let text): return parseGoInteger(text) ?? 0
    default: return 0
    }
}

/// Go's `strconv.ParseInt(text, 0, 64)`: an optional sign, then a `0x`/`0o`/`0b`/`0` prefix picks the base.
func parseGoInteger(_ text: String) -> Int64? {
    var body = Substring(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)
    var negative = false
    if let sign = body.first, sign == "-" || sign == "+" {
        negative = sign == "-"
        body = body.dropFirst()
    }
    var radix = 10
    let lower = body.lowercased()
    if lower.hasPrefix("0x") { radix = 16; body = body.dropFirst(2) }
    else if lower.hasPrefix("0o") { radix = 8; body = body.dropFirst(2) }
    else if lower.hasPrefix("0b") { radix = 2; body = body.dropFirst(2) }
    else if body.count > 1, body.first == "0" { radix = 8; body = body.dropFirst() }
    guard !body.isEmpty, let magnitude = Int64(body.replacingOccurrences(of: "_", with: ""), radix: radix) else {
        return nil
    }
    return negative ? -magnitude : magnitude
}

/// sprig's `toFloat64`: numbers, numeric text, booleans as 0/1, and 0 for anything else.
func sprigFloat(_ value: JSONValue) -> Double {
    switch value {
    case .int(let number): return Double(number)
    case .double(let number): return number
    case .bool(let flag): return flag ? 1 : 0
    case .string(let text): return Double(text.trimmingCharacters(in: .whitespaces)) ?? 0
    default: return 0
    }
}

/// A list argument; `what` names the operation for the error (`cannot reverse a string`).
func listArgument(_ value: JSONValue, _ what: String) throws(TemplateFailure) -> [JSONValue] {
    guard case .array(let elements) = value else {
        throw TemplateFailure(reason: "cannot \(what) on type \(value.typeName) (want a list)")
    }
    return elements
}

/// A dict argument; `what` names the operation for the error.
func dictArgument(_ value: JSONValue, _ what: String) throws(TemplateFailure) -> [String: JSONValue] {
    guard case .object(let members) = value else {
        throw TemplateFailure(reason: "cannot \(what) on type \(value.typeName) (want a dict)")
    }
    return members
}

/// A string argument for a function Go declares with a `string` parameter: text as it is,
/// numbers and booleans printed (Go would refuse them; templates built from JSON often hold
/// numbers where text is meant), null as "".
func textArgument(_ value: JSONValue) -> String { value.templateText }
