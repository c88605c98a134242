import FuzzSupport
import SwitchyardConditions
import SwitchyardJSON

// The condition (CEL) lexer, parser and evaluator: any text parses or fails with a
// ConditionError, and what parses evaluates or fails with one, over a context with every JSON type.

FuzzDriver.run { bytes in
    let source = String(decoding: bytes, as: UTF8.self)
    guard let condition = try? ConditionExpression(parsing: source) else { return }
    _ = try? condition.evaluate(fuzzContext)
}
