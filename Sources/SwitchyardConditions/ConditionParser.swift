import SwitchyardJSON

/// Recursive descent over CEL's grammar, with CEL's precedence (lowest first): `?:`, `||`, `&&`,
/// relations (`== != < <= > >= in`, one level, left to right), `+ -`, `* / %`, unary `! -`,
/// member access and calls.
struct ConditionParser {
    private let lexemes: [ConditionLexeme]
    private let bytes: [UInt8]
    private var cursor = 0
    /// Nesting around the current position: open sub-expressions plus operators chained at each
    /// level, which bounds the tree's depth (and so the evaluator's recursion) as well as the
    /// parser's. Capped at `ConditionExpression.maxNestingDepth`.
    private var depth = 0

    init(lexemes: [ConditionLexeme], bytes: [UInt8]) {
        self.lexemes = lexemes
        self.bytes = bytes
    }

    mutating func parse() throws(ConditionFailure) -> ConditionNode {
        guard peek != .end else { throw ConditionFailure(reason: "empty expression", offset: 0) }
        let node = try expression()
        guard peek == .end else { throw unexpected() }
        return node
    }

    private var peek: ConditionToken { lexemes[cursor].token }

    private mutating func take(_ symbol: String) -> Bool {
        guard peek == .symbol(symbol) else { return false }
        cursor += 1
        return true
    }

    private mutating func expect(_ symbol: String) throws(ConditionFailure) {
        guard take(symbol) else { throw unexpected(expecting: symbol) }
    }

    private mutating func expression() throws(ConditionFailure) -> ConditionNode {
        let entry = depth
        defer { depth = entry }
        try deeper()
        let condition = try logicalOr()
        guard take("?") else { return condition }
        let whenTrue = try logicalOr()
        try expect(":")
        return .conditional(condition, whenTrue, try expression())
    }

    private mutating func logicalOr() throws(ConditionFailure) -> ConditionNode {
        let entry = depth
        defer { depth = entry }
        var node = try logicalAnd()
        while take("||") {
            try deeper()
            node = .or(node, try logicalAnd()) }
        return node
    }

    private mutating func logicalAnd() throws(ConditionFailure) -> ConditionNode {
        let entry = depth
        defer { depth = entry }
        var node = try relation()
        while take("&&") {
            try deeper()
            node = .and(node, try relation()) }
        return node
    }

    private mutating func relation() throws(ConditionFailure) -> ConditionNode {
        let entry = depth
        defer { depth = entry }
        var node = try addition()
        while true {
            let op: ConditionOperator
            switch peek {
            case .symbol(let symbol) where ["==", "!=", "<", "<=", ">", ">="].contains(symbol):
                op = ConditionOperator(rawValue: symbol)!
            case .identifier("in"):
                op = .contained
            default:
                return node
            }
            cursor += 1
            try deeper()
            node = .binary(op, node, try addition())
        }
    }

    private mutating func addition() throws(ConditionFailure) -> ConditionNode {
        let entry = depth
        defer { depth = entry }
        var node = try multiplication()
        while true {
            if peek == .symbol("+") || peek == .symbol("-") { try deeper() }
            if take("+") {
                node = .binary(.plus, node, try multiplication())
            } else if take("-") {
                node = .binary(.minus, node, try multiplication())
            } else {
                return node
            }
        }
    }

    private mutating func multiplication() throws(ConditionFailure) -> ConditionNode {
        let entry = depth
        defer { depth = entry }
        var node = try unary()
        while true {
            if peek == .symbol("*") || peek == .symbol("/") || peek == .symbol("%") { try deeper() }
            if take("*") {
                node = .binary(.times, node, try unary())
            } else if take("/") {
                node = .binary(.divide, node, try unary())
            } else if take("%") {
                node = .binary(.remainder, node, try unary())
            } else {
                return node
            }
        }
    }

    private mutating func unary() throws(ConditionFailure) -> ConditionNode {
        let entry = depth
        defer { depth = entry }
        if peek == .symbol("!") || peek == .symbol("-") { try deeper() }
        if take("!") { return .not(try unary()) }
        if take("-") {
            let operand = try unary()
            // Fold literals so `-9223372036854775807` stays an int and `-1.5` a double.
            switch operand {
            case .literal(.int(let value)): return .literal(.int(-value))
            case .literal(.double(let value)): return .literal(.double(-value))
            default: return .negate(operand)
            }
        }
        return try member()
    }

    private mutating func member() throws(ConditionFailure) -> ConditionNode {
        let entry = depth
        defer { depth = entry }
        var node = try primary()
        while true {
            if peek == .symbol(".") || peek == .symbol("[") { try deeper() }
            if take(".") {
                let nameOffset = lexemes[cursor].offset
                guard case .identifier(let name) = peek else { throw unexpected(expecting: "field name") }
                cursor += 1
                guard take("(") else {
                    node = .select(node, name)
                    continue
                }
                if let macro = ConditionMacro(rawValue: name) {
                    node = try comprehension(macro, over: node, at: nameOffset)
                    continue
                }
                guard let function = ConditionFunction(rawValue: name), function.isMethod else {
                    throw ConditionFailure(reason: "unknown method \(quoteForMessage(name))", offset: nameOffset)
                }
                let arguments = [node] + (try arguments(closing: ")"))
                try check(function, arguments, at: nameOffset)
                node = .call(function, arguments)
            } else if take("[") {
                let key = try expression()
                try expect("]")
                node = .index(node, key)
            } else {
                return node
            }
        }
    }

    private mutating func primary() throws(ConditionFailure) -> ConditionNode {
        let lexeme = lexemes[cursor]
        switch lexeme.token {
        case .literal(let value):
            cursor += 1
            return .literal(value)
        case .identifier(let name):
            cursor += 1
            guard take("(") else {
                if name == "in" { throw ConditionFailure(reason: "unexpected \"in\"", offset: lexeme.offset) }
                return .identifier(name)
            }
            if name == "has" {
                let argument = try expression()
                try expect(")")
                switch argument {
                case .select, .index, .identifier: return .has(argument)
                default:
                    throw ConditionFailure(reason: "has() needs a field selection like has(a.b)", offset: lexeme.offset)
                }
            }
            guard let function = ConditionFunction(rawValue: name), function.isGlobal else {
                throw ConditionFailure(reason: "unknown function \(quoteForMessage(name))", offset: lexeme.offset)
            }
            let arguments = try arguments(closing: ")")
            try check(function, arguments, at: lexeme.offset)
            return .call(function, arguments)
        case .symbol("("):
            cursor += 1
            let node = try expression()
            try expect(")")
            return node
        case .symbol("["):
            cursor += 1
            return .list(try arguments(closing: "]"))
        case .symbol("{"):
            cursor += 1
            var entries: [ConditionMapEntry] = []
            while !take("}") {
                let key = try expression()
                try expect(":")
                entries.append(ConditionMapEntry(key: key, value: try expression()))
                if !take(",") {
                    try expect("}")
                    break
                }
            }
            return .map(entries)
        case .symbol("."):
            // CEL's leading dot names the root scope; the context is the only scope here.
            cursor += 1
            guard case .identifier(let name) = peek else { throw unexpected(expecting: "identifier") }
            cursor += 1
            return .identifier(name)
        default:
            throw unexpected()
        }
    }

    /// Comma-separated expressions up to `closing` (a trailing comma allowed).
    private mutating func arguments(closing: String) throws(ConditionFailure) -> [ConditionNode] {
        var nodes: [ConditionNode] = []
        while !take(closing) {
            nodes.append(try expression())
            if !take(",") {
                try expect(closing)
                break
            }
        }
        return nodes
    }

    private mutating func comprehension(_ macro: ConditionMacro, over range: ConditionNode, at offset: Int)
        throws(ConditionFailure) -> ConditionNode
    {
        guard case .identifier(let variable) = peek else {
            throw ConditionFailure(reason: "\(macro.rawValue)() needs a variable name first", offset: lexemes[cursor].offset)
        }
        cursor += 1
        try expect(",")
        let body = try expression()
        try expect(")")
        return .comprehension(macro, range: range, variable: variable, body: body)
    }

    private func check(_ function: ConditionFunction, _ arguments: [ConditionNode], at offset: Int)
        throws(ConditionFailure)
    {
        guard arguments.count == function.arity else {
            throw ConditionFailure(
                reason: "\(function.rawValue) takes \(function.arity - (function.isMethod && function != .size ? 1 : 0)) "
                    + "argument(s)", offset: offset)
        }
    }

    private mutating func deeper() throws(ConditionFailure) {
        depth += 1
        guard depth <= ConditionExpression.maxNestingDepth else {
            throw ConditionFailure(
                reason: "nesting deeper than \(ConditionExpression.maxNestingDepth) levels of parentheses, "
                    + "operators and calls (the limit)", offset: lexemes[cursor].offset)
        }
    }

    private func unexpected(expecting: String? = nil) -> ConditionFailure {
        let lexeme = lexemes[cursor]
        let found: String
        if lexeme.token == .end {
            found = "end of expression"
        } else {
            let end = cursor + 1 < lexemes.count ? lexemes[cursor + 1].offset : bytes.count
            let text = String(decoding: bytes[lexeme.offset..<end], as: UTF8.self)
            found = quoteForMessage(text.trimmingTrailingSpace)
        }
        let tail = expecting.map { ", expected \(quoteForMessage($0))" } ?? ""
        return ConditionFailure(reason: "unexpected \(found)\(tail)", offset: lexeme.offset)
    }
}

extension String {
    fileprivate var trimmingTrailingSpace: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
