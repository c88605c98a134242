import SwitchyardJSON

/// The parsed form of a condition, evaluated many times.
indirect enum ConditionNode: Sendable {
    case literal(JSONValue)
    /// A top-level context name (`signal`, `input`, `tasks`, …) or a macro variable.
    case identifier(String)
    /// `base.name`
    case select(ConditionNode, String)
    /// `base[key]`
    case index(ConditionNode, ConditionNode)
    case list([ConditionNode])
    case map([ConditionMapEntry])
    /// `!x`
    case not(ConditionNode)
    /// `-x`
    case negate(ConditionNode)
    case binary(ConditionOperator, ConditionNode, ConditionNode)
    case and(ConditionNode, ConditionNode)
    case or(ConditionNode, ConditionNode)
    /// `c ? a : b`
    case conditional(ConditionNode, ConditionNode, ConditionNode)
    /// `has(a.b)`: presence test, never a missing-key error.
    case has(ConditionNode)
    /// A function (`size(x)`) or method (`x.startsWith(y)`; the target is the first argument).
    case call(ConditionFunction, [ConditionNode])
    /// `list.exists(x, pred)` and the other comprehension macros.
    case comprehension(ConditionMacro, range: ConditionNode, variable: String, body: ConditionNode)
}

struct ConditionMapEntry: Sendable {
    var key: ConditionNode
    var value: ConditionNode
}

enum ConditionOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case contained = "in"
    case plus = "+", minus = "-", times = "*", divide = "/", remainder = "%"
}

/// Functions and methods the subset knows.
enum ConditionFunction: String, Sendable {
    case size, startsWith, endsWith, contains, matches, int, double, string, type

    /// How many arguments it takes, counting a method's target.
    var arity: Int {
        switch self {
        case .size, .int, .double, .string, .type: return 1
        case .startsWith, .endsWith, .contains, .matches: return 2
        }
    }

    /// Whether it may be written as a method (`x.size()`) and as a function (`size(x)`).
    var isMethod: Bool { self != .int && self != .double && self != .string && self != .type }
    var isGlobal: Bool { self == .size || !isMethod }
}

/// CEL's comprehension macros over lists (elements) and maps (keys).
enum ConditionMacro: String, Sendable {
    case all, exists, existsOne = "exists_one", filter, map
}
