// THROWAWAY stand-in for the `tmpl` branch's Templates/Conditions API. Deleted before merging tmpl.
import Foundation
import SwitchyardJSON

public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var template: String
    public var path: String?
    public var description: String { "\(reason) in \"\(template)\"" }
}

public struct Template: Sendable {
    enum Piece: Sendable { case text(String), reference([String]) }
    let pieces: [Piece]
    let source: String

    public init(parsing source: String) throws(TemplateError) {
        self.source = source
        var pieces: [Piece] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw TemplateError(reason: "unclosed action", template: source, path: nil)
            }
            let body = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard body.hasPrefix(".") else { throw TemplateError(reason: "bad action \(body)", template: source, path: nil) }
            pieces.append(.reference(body.dropFirst().split(separator: ".").map(String.init)))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    public var isLiteral: Bool { !pieces.contains { if case .reference = $0 { return true } else { return false } } }

    func lookup(_ path: [String], _ context: JSONValue) throws(TemplateError) -> JSONValue {
        var value = context
        for key in path {
            guard let next = value[key] else {
                throw TemplateError(reason: "missing key .\(path.joined(separator: "."))", template: source, path: nil)
            }
            value = next
        }
        return value
    }

    public func render(_ context: JSONValue) throws(TemplateError) -> JSONValue {
        if pieces.count == 1, case .reference(let path) = pieces[0] { return try lookup(path, context) }
        let text = try renderText(context)
        if text == "true" { return true }
        if text == "false" { return false }
        if text.hasPrefix("[") || text.hasPrefix("{"), let parsed = try? JSONValue(parsing: text) { return parsed }
        return .string(text)
    }

    public func renderText(_ context: JSONValue) throws(TemplateError) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .reference(let path):
                let value = try lookup(path, context)
                if case .string(let text) = value { out += text } else { out += value.jsonString }
            }
        }
        return out
    }
}

public enum TemplateRenderer {
    public static func render(_ value: JSONValue, context: JSONValue) throws(TemplateError) -> JSONValue {
        switch value {
        case .string(let text): return try Template(parsing: text).render(context)
        case .array(let items):
            var out: [JSONValue] = []
            for item in items { out.append(try render(item, context: context)) }
            return .array(out)
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, item) in members { out[key] = try render(item, context: context) }
            return .object(out)
        default: return value
        }
    }

    public static func validate(_ value: JSONValue, at path: String) -> [TemplateError] { [] }
}

public struct ConditionError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var expression: String
    public var column: Int?
    public var description: String { "\(reason) in \"\(expression)\"" }
}

public struct ConditionExpression: Sendable {
    let lhs: String, op: String?, rhs: String?
    public init(parsing source: String) throws(ConditionError) {
        let parts = source.split(separator: " ").map(String.init)
        if parts.count == 1 { lhs = parts[0]; op = nil; rhs = nil; return }
        guard parts.count == 3, ["==", "!="].contains(parts[1]) else {
            throw ConditionError(reason: "unsupported expression", expression: source, column: 1)
        }
        lhs = parts[0]; op = parts[1]; rhs = parts[2]
    }

    func operand(_ text: String, _ context: JSONValue) -> JSONValue {
        if text == "true" { return true }
        if text == "false" { return false }
        if text.hasPrefix("\"") || text.hasPrefix("'") { return .string(String(text.dropFirst().dropLast())) }
        if let number = Int64(text) { return .int(number) }
        var value = context
        for key in text.split(separator: ".") { value = value[String(key)] ?? .null }
        return value
    }

    public func evaluate(_ context: JSONValue) throws(ConditionError) -> JSONValue {
        let left = operand(lhs, context)
        guard let op, let rhs else { return left }
        let right = operand(rhs, context)
        return .bool(op == "==" ? left == right : left != right)
    }

    public func isTrue(_ context: JSONValue) throws(ConditionError) -> Bool {
        try evaluate(context) == .bool(true)
    }
}
