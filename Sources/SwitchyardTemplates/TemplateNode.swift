import SwitchyardJSON

/// The parsed form of a template: a tree evaluated many times without re-reading the source.

/// What an operand starts from before its field chain.
enum TemplateOperandBase: Sendable {
    /// The current value (`.`), the start of `.a.b`.
    case dot
    /// `$` (the root) or `$name`.
    case variable(String)
    case literal(JSONValue)
    /// A function named as an operand: the command's function, or a niladic call as an argument.
    case function(TemplateFunction)
    /// `( … )`.
    case pipeline(TemplatePipeline)
}

/// One word of a command: a base plus field steps (`$x.a.b`, `(index .t "k").output`).
struct TemplateOperand: Sendable {
    var base: TemplateOperandBase
    var path: [String]
    /// The operand as written, for error messages.
    var source: String
    /// Byte offset of the operand in the template.
    var offset: Int
}

/// Operands separated by spaces; the first is the function when it names one.
struct TemplateCommand: Sendable {
    var operands: [TemplateOperand]

    /// The function this command calls, if its first word names one.
    var function: TemplateFunction? {
        guard let first = operands.first, first.path.isEmpty, case .function(let function) = first.base else {
            return nil
        }
        return function
    }
}

/// Commands joined by `|`, optionally declaring (`$x :=`) or assigning (`$x =`) variables.
struct TemplatePipeline: Sendable {
    var declarations: [String]
    var isAssignment: Bool
    var commands: [TemplateCommand]

    /// True for a lone reference (`.a.b`, `$x.y`, a literal): no function involved.
    var isPlainReference: Bool {
        guard declarations.isEmpty, commands.count == 1, commands[0].operands.count == 1 else { return false }
        switch commands[0].operands[0].base {
        case .dot, .variable, .literal: return true
        case .function, .pipeline: return false
        }
    }
}

/// A condition and the nodes it guards (one `if`/`else if` or `with`/`else with` arm).
struct TemplateBranch: Sendable {
    var condition: TemplatePipeline
    var body: [TemplateNode]
}

/// A node of the template tree.
enum TemplateNode: Sendable {
    case text(String)
    /// `{{ pipeline }}`: prints the value unless the pipeline declares or assigns variables.
    case output(TemplatePipeline)
    /// `if` / `else if` … / `else` / `end`.
    case conditional([TemplateBranch], otherwise: [TemplateNode]?)
    /// `with` / `else with` … / `else` / `end`: the chosen arm runs with `.` set to its value.
    case with([TemplateBranch], otherwise: [TemplateNode]?)
    /// `range [$i,] [$v :=] pipeline` … [`else` …] `end`.
    case range(TemplatePipeline, body: [TemplateNode], otherwise: [TemplateNode]?)
    case breakLoop
    case continueLoop
}
