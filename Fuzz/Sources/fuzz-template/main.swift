import FuzzSupport
import SwitchyardJSON
import SwitchyardTemplates

// The template lexer, parser and evaluator: any text parses or fails with a TemplateError, and
// what parses renders or fails with one, over a context with every JSON type.

FuzzDriver.run { bytes in
    let source = String(decoding: bytes, as: UTF8.self)
    guard let template = try? Template(parsing: source) else { return }
    _ = try? template.render(fuzzContext)
    _ = try? template.renderText(fuzzContext)
}
