import SwitchyardJSON

/// Builds the template tree from lexed items (Go text/template grammar, hand-written; see
/// `TemplateLexer`). Undefined variables, unknown functions and arguments given to non-functions
/// are found here, so `TemplateRenderer.validate` reports them before anything runs.
struct TemplateParser {
    private let bytes: [UInt8]
    private let items: [TemplateItem]
    private var itemIndex = 0
    /// Variables visible at each nesting level; `$` is always defined.
    private var scopes: [[String]] = [["$"]]
    private var rangeDepth = 0
    /// Blocks and parentheses open around the current position; capped at
    /// `Template.maxNestingDepth` so hostile input fails cleanly instead of exhausting the stack.
    private var nestingDepth = 0

    init(bytes: [UInt8], items: [TemplateItem]) {
        self.bytes = bytes
        self.items = items
    }

    /// The whole template.
    mutating func parse() throws(TemplateFailure) -> [TemplateNode] {
        let (nodes, end) = try parseNodes()
        switch end {
        case .endOfInput: return nodes
        case .end(let offset): throw failure("unexpected {{end}}", at: offset)
        case .elseClause(_, let offset): throw failure("unexpected {{else}}", at: offset)
        }
    }

    // MARK: Lists and blocks

    private enum ListEnd {
        case endOfInput
        case end(offset: Int)
        case elseClause(ArraySlice<TemplateLexeme>, offset: Int)
    }

    private mutating func parseNodes() throws(TemplateFailure) -> ([TemplateNode], ListEnd) {
        var nodes: [TemplateNode] = []
        while itemIndex < items.count {
            let item = items[itemIndex]
            itemIndex += 1
            switch item {
            case .text(let text):
                nodes.append(.text(text))
            case .action(let lexemes, let offset, let end):
                guard let first = lexemes.first else { throw failure("missing command", at: end) }
                let rest = lexemes.dropFirst()
                guard case .identifier(let keyword) = first.token else {
                    nodes.append(.output(try parsePipeline(ArraySlice(lexemes), actionEnd: end, allowsPair: false)))
                    continue
                }
                switch keyword {
                case "end":
                    guard rest.isEmpty else { throw unexpected(rest.first!, expecting: "}}") }
                    return (nodes, .end(offset: offset))
                case "else":
                    return (nodes, .elseClause(rest, offset: offset))
                case "if", "with":
                    nodes.append(try parseBranches(keyword: keyword, first: rest, offset: offset, end: end))
                case "range":
                    nodes.append(try parseRange(rest, offset: offset, end: end))
                case "break", "continue":
                    guard rangeDepth > 0 else { throw failure("{{\(keyword)}} outside {{range}}", at: offset) }
                    guard rest.isEmpty else { throw unexpected(rest.first!, expecting: "}}") }
                    nodes.append(keyword == "break" ? .breakLoop : .continueLoop)
                case "define", "template", "block":
                    throw failure("{{\(keyword)}} is not supported", at: first.offset)
                default:
                    nodes.append(.output(try parsePipeline(ArraySlice(lexemes), actionEnd: end, allowsPair: false)))
                }
            }
        }
        return (nodes, .endOfInput)
    }

    /// `if`/`with` with their `else if`/`else with` arms and optional final `else`.
    private mutating func parseBranches(
        keyword: String, first: ArraySlice<TemplateLexeme>, offset: Int, end: Int
    ) throws(TemplateFailure) -> TemplateNode {
        try enterNesting(at: offset)
        defer { nestingDepth -= 1 }
        scopes.append([])
        defer { scopes.removeLast() }
        var branches: [TemplateBranch] = []
        var condition = try parsePipeline(first, actionEnd: end, allowsPair: false)
        while true {
            let (body, listEnd) = try parseScopedNodes()
            branches.append(TemplateBranch(condition: condition, body: body))
            switch listEnd {
            case .endOfInput:
                throw failure("unexpected end of template: {{\(keyword)}} has no {{end}}", at: offset)
            case .end:
                return keyword == "if" ? .conditional(branches, otherwise: nil) : .with(branches, otherwise: nil)
            case .elseClause(let rest, let elseOffset):
                if let head = rest.first, head.token == .identifier(keyword) {
                    condition = try parsePipeline(rest.dropFirst(), actionEnd: actionEnd(after: elseOffset),
                                                  allowsPair: false)
                    continue
                }
                guard rest.isEmpty else { throw unexpected(rest.first!, expecting: "}}") }
                let (otherwise, finalEnd) = try parseScopedNodes()
                guard case .end = finalEnd else {
                    throw failure("{{else}} must be followed by {{end}}", at: elseOffset)
                }
                return keyword == "if"
                    ? .conditional(branches, otherwise: otherwise) : .with(branches, otherwise: otherwise)
            }
        }
    }

    private mutating func parseRange(
        _ lexemes: ArraySlice<TemplateLexeme>, offset: Int, end: Int
    ) throws(TemplateFailure) -> TemplateNode {
        try enterNesting(at: offset)
        defer { nestingDepth -= 1 }
        scopes.append([])
        defer { scopes.removeLast() }
        let pipeline = try parsePipeline(lexemes, actionEnd: end, allowsPair: true)
        guard !pipeline.isAssignment else { throw failure("range can only declare variables (:=)", at: offset) }
        rangeDepth += 1
        let (body, listEnd) = try parseScopedNodes()
        rangeDepth -= 1
        switch listEnd {
        case .endOfInput:
            throw failure("unexpected end of template: {{range}} has no {{end}}", at: offset)
        case .end:
            return .range(pipeline, body: body, otherwise: nil)
        case .elseClause(let rest, let elseOffset):
            guard rest.isEmpty else { throw unexpected(rest.first!, expecting: "}}") }
            let (otherwise, finalEnd) = try parseScopedNodes()
            guard case .end = finalEnd else { throw failure("{{else}} must be followed by {{end}}", at: elseOffset) }
            return .range(pipeline, body: body, otherwise: otherwise)
        }
    }

    private mutating func parseScopedNodes() throws(TemplateFailure) -> ([TemplateNode], ListEnd) {
        scopes.append([])
        defer { scopes.removeLast() }
        return try parseNodes()
    }

    /// Where the `}}` of the action starting at `offset` sits (for "unexpected }}" messages).
    private func actionEnd(after offset: Int) -> Int {
        for item in items {
            if case .action(_, let start, let end) = item, start == offset { return end }
        }
        return offset
    }

    // MARK: Pipelines

    private mutating func parsePipeline(
        _ lexemes: ArraySlice<TemplateLexeme>, actionEnd: Int, allowsPair: Bool
    ) throws(TemplateFailure) -> TemplatePipeline {
        var cursor = lexemes.startIndex
        var declarations: [String] = []
        var isAssignment = false
        let tokens = lexemes.map(\.token)
        if tokens.count >= 2, case .variable(let name) = tokens[0], tokens[1] == .declare || tokens[1] == .assign {
            declarations = [name]
            isAssignment = tokens[1] == .assign
            cursor += 2
        } else if allowsPair, tokens.count >= 4, case .variable(let first) = tokens[0], tokens[1] == .comma,
            case .variable(let second) = tokens[2], tokens[3] == .declare
        {
            declarations = [first, second]
            cursor += 4
        }
        if isAssignment, !isDefined(declarations[0]) {
            throw failure("undefined variable \(quoteForMessage(declarations[0]))", at: lexemes.first!.offset)
        }
        let pipeline = try parseCommands(lexemes, cursor: &cursor, actionEnd: actionEnd)
        if cursor < lexemes.endIndex { throw unexpected(lexemes[cursor], expecting: nil) }
        if !isAssignment { scopes[scopes.count - 1].append(contentsOf: declarations) }
        return TemplatePipeline(declarations: declarations, isAssignment: isAssignment, commands: pipeline)
    }

    /// Commands up to the end of the slice or, inside parentheses, up to the `)`.
    private mutating func parseCommands(
        _ lexemes: ArraySlice<TemplateLexeme>, cursor: inout Int, actionEnd: Int
    ) throws(TemplateFailure) -> [TemplateCommand] {
        var commands: [TemplateCommand] = []
        while true {
            var operands: [TemplateOperand] = []
            while cursor < lexemes.endIndex, lexemes[cursor].token != .pipe, lexemes[cursor].token != .rightParen {
                let operand = try parseOperand(lexemes, cursor: &cursor, actionEnd: actionEnd)
                if let first = operands.first, TemplateCommand(operands: [first]).function == nil {
                    throw failure("unexpected \(quoteForMessage(operand.source)): can't give argument to "
                        + "non-function \(first.source)", at: operand.offset)
                }
                operands.append(operand)
            }
            guard let head = operands.first else {
                if cursor < lexemes.endIndex { throw unexpected(lexemes[cursor], expecting: nil) }
                throw failure("unexpected \"}}\"", at: actionEnd)
            }
            let command = TemplateCommand(operands: operands)
            if !commands.isEmpty, command.function == nil {
                throw failure("can't pipe into non-function \(head.source)", at: head.offset)
            }
            commands.append(command)
            guard cursor < lexemes.endIndex, lexemes[cursor].token == .pipe else { return commands }
            cursor += 1
        }
    }

    private mutating func parseOperand(
        _ lexemes: ArraySlice<TemplateLexeme>, cursor: inout Int, actionEnd: Int
    ) throws(TemplateFailure) -> TemplateOperand {
        let lexeme = lexemes[cursor]
        cursor += 1
        var base: TemplateOperandBase
        var path: [String] = []
        switch lexeme.token {
        case .dot:
            base = .dot
        case .field(let name):
            base = .dot
            path = [name]
        case .variable(let name):
            guard isDefined(name) else { throw failure("undefined variable \(quoteForMessage(name))", at: lexeme.offset) }
            base = .variable(name)
        case .literal(let value):
            base = .literal(value)
        case .identifier(let name):
            guard let function = TemplateFunction.named(name) else {
                let keywords: Set = ["if", "else", "end", "range", "with", "break", "continue", "define", "template", "block"]
                if keywords.contains(name) { throw failure("unexpected keyword \(quoteForMessage(name))", at: lexeme.offset) }
                throw failure("function \(quoteForMessage(name)) not defined", at: lexeme.offset)
            }
            base = .function(function)
        case .leftParen:
            try enterNesting(at: lexeme.offset)
            defer { nestingDepth -= 1 }
            let commands = try parseCommands(lexemes, cursor: &cursor, actionEnd: actionEnd)
            guard cursor < lexemes.endIndex, lexemes[cursor].token == .rightParen else {
                throw failure("unclosed left paren", at: lexeme.offset)
            }
            cursor += 1
            base = .pipeline(TemplatePipeline(declarations: [], isAssignment: false, commands: commands))
        default:
            throw unexpected(lexeme, expecting: nil)
        }
        while cursor < lexemes.endIndex, !lexemes[cursor].spaceBefore, case .field(let name) = lexemes[cursor].token {
            if case .literal = base { throw unexpected(lexemes[cursor], expecting: nil) }
            path.append(name)
            cursor += 1
        }
        let end = lexemes[cursor - 1].end
        let source = String(decoding: bytes[lexeme.offset..<end], as: UTF8.self)
        return TemplateOperand(base: base, path: path, source: source, offset: lexeme.offset)
    }

    // MARK: Support

    private mutating func enterNesting(at offset: Int) throws(TemplateFailure) {
        nestingDepth += 1
        guard nestingDepth <= Template.maxNestingDepth else {
            throw failure("nesting deeper than \(Template.maxNestingDepth) levels of blocks and parentheses "
                + "(the limit)", at: offset)
        }
    }

    private func isDefined(_ name: String) -> Bool {
        scopes.contains { $0.contains(name) }
    }

    private func unexpected(_ lexeme: TemplateLexeme, expecting: String?) -> TemplateFailure {
        let text = String(decoding: bytes[lexeme.offset..<lexeme.end], as: UTF8.self)
        let tail = expecting.map { ", expected \(quoteForMessage($0))" } ?? ""
        return failure("unexpected \(quoteForMessage(text))\(tail)", at: lexeme.offset)
    }

    private func failure(_ reason: String, at offset: Int) -> TemplateFailure {
        TemplateFailure(reason: "\(reason) at \(describePosition(offset, in: bytes))")
    }
}
