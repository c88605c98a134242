import SwitchyardJSON

/// Runs a parsed template tree over a JSON context.
///
/// Missing keys fail with the reference path, except where a missing value is a legitimate
/// question: the condition of `if`/`with`, and the arguments of the missing-tolerant functions
/// (`default`, `empty`, `coalesce`, `and`, `or`, `not`), including a value piped into them.
/// There a missing key (or a field of null) reads as null.
struct TemplateEvaluator {
    private let root: JSONValue
    /// Variable bindings, innermost last; blocks truncate back to their mark on exit.
    private var variables: [(name: String, value: JSONValue)]
    private(set) var output = ""
    /// `range` iterations left in this render (`TemplateLimits.maxRangeIterations`).
    private var iterationsLeft = TemplateLimits.maxRangeIterations

    init(root: JSONValue) {
        self.root = root
        self.variables = [("$", root)]
    }

    /// What a node list asks of the enclosing `range`.
    enum Flow { case proceed, breakLoop, continueLoop }

    mutating func run(_ nodes: [TemplateNode], dot: JSONValue) throws(TemplateFailure) -> Flow {
        for node in nodes {
            switch node {
            case .text(let text):
                try write(text)
            case .output(let pipeline):
                let value = try evaluate(pipeline, dot: dot, lenient: false)
                if pipeline.declarations.isEmpty { try write(value.templateText) }
            case .conditional(let branches, let otherwise):
                let flow = try runBranches(branches, otherwise: otherwise, dot: dot, rebindsDot: false)
                if flow != .proceed { return flow }
            case .with(let branches, let otherwise):
                let flow = try runBranches(branches, otherwise: otherwise, dot: dot, rebindsDot: true)
                if flow != .proceed { return flow }
            case .range(let pipeline, let body, let otherwise):
                let flow = try runRange(pipeline, body: body, otherwise: otherwise, dot: dot)
                if flow != .proceed { return flow }
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            }
        }
        return .proceed
    }

    /// Appends to the output, failing before it passes the size limit.
    private mutating func write(_ text: String) throws(TemplateFailure) {
        try TemplateLimits.checkSize(output.utf8.count + text.utf8.count, what: "the rendered text")
        output += text
    }

    private mutating func runBranches(
        _ branches: [TemplateBranch], otherwise: [TemplateNode]?, dot: JSONValue, rebindsDot: Bool
    ) throws(TemplateFailure) -> Flow {
        let mark = variables.count
        defer { variables.removeSubrange(mark...) }
        for branch in branches {
            let value = try evaluate(branch.condition, dot: dot, lenient: true)
            if value.isTemplateTruthy {
                return try run(branch.body, dot: rebindsDot ? value : dot)
            }
        }
        guard let otherwise else { return .proceed }
        return try run(otherwise, dot: dot)
    }

    private mutating func runRange(
        _ pipeline: TemplatePipeline, body: [TemplateNode], otherwise: [TemplateNode]?, dot: JSONValue
    ) throws(TemplateFailure) -> Flow {
        let mark = variables.count
        defer { variables.removeSubrange(mark...) }
        var ranged = pipeline
        ranged.declarations = []
        let value = try evaluate(ranged, dot: dot, lenient: false)
        let count: Int
        let element: (Int) -> (key: JSONValue, value: JSONValue)
        switch value {
        case .null:
            (count, element) = (0, { _ in (.null, .null) })
        case .array(let list):
            (count, element) = (list.count, { (.int(Int64($0)), list[$0]) })
        // Go ranges over maps in sorted key order; so does this, for stable output.
        case .object(let members):
            let keys = members.keys.sorted()
            (count, element) = (keys.count, { (.string(keys[$0]), members[keys[$0]]!) })
        case .int(let limit):
            // Counted, not materialized: `range 1000000000` must not allocate a billion elements.
            (count, element) = (Int(clamping: max(limit, 0)), { (.int(Int64($0)), .int(Int64($0))) })
        default: throw TemplateFailure(reason: "range can't iterate over \(value.typeName) \(value.jsonString)")
        }
        guard count > 0 else {
            guard let otherwise else { return .proceed }
            return try run(otherwise, dot: dot)
        }
        for position in 0..<count {
            iterationsLeft -= 1
            guard iterationsLeft >= 0 else {
                throw TemplateFailure(reason: "range ran more than the limit of "
                    + "\(TemplateLimits.maxRangeIterations) iterations in one render")
            }
            let element = element(position)
            let iterationMark = variables.count
            switch pipeline.declarations.count {
            case 1: variables.append((pipeline.declarations[0], element.value))
            case 2:
                variables.append((pipeline.declarations[0], element.key))
                variables.append((pipeline.declarations[1], element.value))
            default: break
            }
            let flow = try run(body, dot: element.value)
            variables.removeSubrange(iterationMark...)
            if flow == .breakLoop { break }
        }
        return .proceed
    }

    // MARK: Pipelines

    mutating func evaluate(_ pipeline: TemplatePipeline, dot: JSONValue, lenient: Bool) throws(TemplateFailure)
        -> JSONValue
    {
        var value: JSONValue?
        for (position, command) in pipeline.commands.enumerated() {
            let feedsTolerant = position + 1 < pipeline.commands.count
                && pipeline.commands[position + 1].function?.toleratesMissing == true
            value = try evaluate(command, dot: dot, piped: value, lenient: lenient || feedsTolerant)
        }
        let result = value ?? .null
        if pipeline.isAssignment, let name = pipeline.declarations.first,
            let slot = variables.lastIndex(where: { $0.name == name })
        {
            variables[slot].value = result
        } else if !pipeline.isAssignment {
            for name in pipeline.declarations { variables.append((name, result)) }
        }
        return result
    }

    private mutating func evaluate(
        _ command: TemplateCommand, dot: JSONValue, piped: JSONValue?, lenient: Bool
    ) throws(TemplateFailure) -> JSONValue {
        guard let function = command.function else {
            return try evaluate(command.operands[0], dot: dot, lenient: lenient)
        }
        let argumentsLenient = lenient || function.toleratesMissing
        let operands = command.operands.dropFirst()
        if function == .and || function == .or {
            // Go 1.18+ short-circuits: later arguments are not evaluated once the answer is known.
            var last = JSONValue.null
            for operand in operands {
                last = try evaluate(operand, dot: dot, lenient: argumentsLenient)
                if last.isTemplateTruthy == (function == .or) { return last }
            }
            if let piped { return piped }
            guard !operands.isEmpty else { throw TemplateFailure(reason: "\(function.rawValue): no arguments") }
            return last
        }
        var arguments: [JSONValue] = []
        arguments.reserveCapacity(operands.count + 1)
        for operand in operands {
            arguments.append(try evaluate(operand, dot: dot, lenient: argumentsLenient))
        }
        if let piped { arguments.append(piped) }
        do {
            let result = try function.call(arguments, lenient: argumentsLenient)
            // Only builders can make a value bigger than their arguments; a function that
            // returns part of the context (`index`, `default`) is not walked again.
            if case .string(let text) = result {
                try TemplateLimits.checkSize(text.utf8.count, what: "the result")
            } else if function.buildsValues {
                try TemplateLimits.checkBuilt(result, what: "the result")
            }
            if function.changesItsDict { rebindChangedDict(result, from: operands.first) }
            return result
        } catch {
            var reason = "\(function.rawValue): \(error.reason)"
            if function == .index, let subject = operands.first { reason += " in \(subject.source)" }
            throw TemplateFailure(reason: reason)
        }
    }

    /// sprig's `set`, `unset` and merges change the dict they are given, so after
    /// `{{ $_ := set $d "k" 1 }}` Go's `$d` has `k`. Values here are immutable; when the dict
    /// came from a variable, the variable takes the changed dict instead.
    private mutating func rebindChangedDict(_ result: JSONValue, from operand: TemplateOperand?) {
        guard let operand, operand.path.isEmpty, case .variable(let name) = operand.base,
            let slot = variables.lastIndex(where: { $0.name == name }) else { return }
        variables[slot].value = result
    }

    private mutating func evaluate(_ operand: TemplateOperand, dot: JSONValue, lenient: Bool) throws(TemplateFailure)
        -> JSONValue
    {
        let start: JSONValue
        let prefix: String
        switch operand.base {
        case .dot:
            start = dot
            prefix = ""
        case .variable(let name):
            guard let binding = variables.last(where: { $0.name == name }) else {
                throw TemplateFailure(reason: "undefined variable \(quoteForMessage(name))")
            }
            start = binding.value
            prefix = name
        case .literal(let value):
            return value
        case .function(let function):
            start = try evaluate(TemplateCommand(operands: [operand.withoutPath]), dot: dot, piped: nil, lenient: lenient)
            prefix = function.rawValue
        case .pipeline(let pipeline):
            start = try evaluate(pipeline, dot: dot, lenient: lenient)
            let chainLength = operand.path.reduce(0) { $0 + $1.count + 1 }
            prefix = String(operand.source.dropLast(chainLength))
        }
        return try select(operand.path, from: start, prefix: prefix, lenient: lenient)
    }

    /// Follows field steps, naming the path walked so far when one is missing.
    private func select(_ path: [String], from start: JSONValue, prefix: String, lenient: Bool)
        throws(TemplateFailure) -> JSONValue
    {
        var current = start
        for (depth, key) in path.enumerated() {
            switch current {
            case .object(let members):
                guard let next = members[key] else {
                    if lenient { return .null }
                    throw TemplateFailure(reason: "missing key \(goQuoted(key)) at \(describe(prefix, path[...depth]))")
                }
                current = next
            case .null:
                if lenient { return .null }
                let parent = depth == 0 ? (prefix.isEmpty ? "." : prefix) : describe(prefix, path[..<depth])
                throw TemplateFailure(
                    reason: "missing key \(goQuoted(key)) at \(describe(prefix, path[...depth])) (\(parent) is null)")
            default:
                throw TemplateFailure(
                    reason: "can't read field \(goQuoted(key)) of \(current.typeName) at \(describe(prefix, path[...depth]))")
            }
        }
        return current
    }

    private func describe(_ prefix: String, _ path: ArraySlice<String>) -> String {
        prefix + path.map { "." + $0 }.joined()
    }
}

extension TemplateOperand {
    fileprivate var withoutPath: TemplateOperand {
        var copy = self
        copy.path = []
        return copy
    }
}
