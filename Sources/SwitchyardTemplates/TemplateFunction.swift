import SwitchyardJSON

/// The functions templates may call: Go's builtins and the sprig subset compozy projects use.
/// Names are resolved when the template is parsed, so a typo fails validation, not a run.
enum TemplateFunction: String, Sendable, CaseIterable {
    // Missing-tolerant: an argument that does not exist counts as empty instead of failing.
    case `default`, empty, and, or, not, coalesce
    // Go builtins.
    case index, len, eq, ne, lt, gt, le, ge, printf, print, println
    // Encoding and conversion.
    case toJson, fromJson, toString, toInt, int, float64, toFloat
    // Strings.
    case upper, lower, trim, trimPrefix, trimSuffix, quote, squote, join, contains, hasPrefix,
        hasSuffix, replace, splitList, `repeat`
    // Numbers.
    case add, sub, mul, div, mod
    // Collections and choice.
    case ternary, list, dict, keys, hasKey, first, last

    /// Functions whose arguments may be missing: `default`, `empty`, `coalesce` and the logic
    /// functions, so `{{ .input.name | default "x" }}` works when `name` is absent.
    var toleratesMissing: Bool {
        switch self {
        case .default, .empty, .and, .or, .not, .coalesce: return true
        default: return false
        }
    }
}
