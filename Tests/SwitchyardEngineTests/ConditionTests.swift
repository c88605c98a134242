import Testing
import SwitchyardJSON
@testable import SwitchyardEngine

/// The context most condition tests evaluate over.
let conditionContext: JSONValue = [
    "signal": ["status": "approved", "payload": ["score": 0.8, "tags": ["urgent", "ops"]]],
    "input": ["count": 3, "ratio": 2.5, "name": "report-final", "empty": "", "none": nil, "list": [1, 2, 3]],
    "tasks": ["my-task": ["output": ["ok": true, "items": ["a": 1, "b": 2]]]],
    "index": 2,
]

func evaluate(_ source: String, _ context: JSONValue = conditionContext) throws -> JSONValue {
    try ConditionExpression(parsing: source).evaluate(context)
}

func holds(_ source: String, _ context: JSONValue = conditionContext) throws -> Bool {
    try ConditionExpression(parsing: source).isTrue(context)
}

/// The error a condition raises when parsing or evaluating it, or nil when it succeeds.
func conditionError(_ source: String, _ context: JSONValue = conditionContext) -> ConditionError? {
    do {
        _ = try ConditionExpression(parsing: source).evaluate(context)
        return nil
    } catch {
        return error
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ConditionTests {
    @Test func literals() throws {
        #expect(try evaluate("42") == 42)
        #expect(try evaluate("-7") == -7)
        #expect(try evaluate("0x10") == 16)
        #expect(try evaluate("5u") == 5)
        #expect(try evaluate("1.5e2") == 150.0)
        #expect(try evaluate("'it\\'s'") == "it's")
        #expect(try evaluate(#""tab\there""#) == "tab\there")
        #expect(try evaluate(#"r"raw\n""#) == #"raw\n"#)
        #expect(try evaluate("'''multi\nline'''") == "multi\nline")
        #expect(try evaluate("null") == .null)
        #expect(try evaluate("[1, 'a', true,]") == [1, "a", true])
        #expect(try evaluate("{'k': 1, \"j\": [2]}") == ["k": 1, "j": [2]])
    }

    @Test func fieldAndIndexAccess() throws {
        #expect(try evaluate("signal.status") == "approved")
        #expect(try evaluate("signal.payload.tags[1]") == "ops")
        #expect(try evaluate("tasks['my-task'].output.items[\"b\"]") == 2)
        #expect(try evaluate("input.list[index]") == 3)
        #expect(try evaluate("[10, 20][1]") == 20)
        #expect(try evaluate("{'a': {'b': 5}}.a.b") == 5)
    }

    @Test func comparisonsAcrossNumericTypes() throws {
        #expect(try holds("input.count == 3.0"))
        #expect(try holds("input.ratio < input.count"))
        #expect(try holds("signal.payload.score >= 0.8 && signal.payload.score <= 1"))
        #expect(try holds("2 > 1.5"))
        #expect(try holds("'abc' < 'abd'"))
        #expect(try holds("'b' > 'a' && 'B' < 'a'"))
        #expect(try holds("input.none == null"))
        #expect(try holds("[1, 2] == [1.0, 2]"))
        #expect(try holds("{'a': 1} == {'a': 1}"))
        #expect(try holds("false < true"))
        // Values of different types are unequal, not an error.
        #expect(try !holds("input.count == '3'"))
        #expect(try holds("input.count != '3'"))
        #expect(conditionError("input.count < 'x'")?.reason == "no such overload: integer < string")
    }

    @Test func precedence() throws {
        #expect(try holds("true || false && false"))
        #expect(try !holds("(true || false) && false"))
        #expect(try holds("!false && true"))
        #expect(try holds("1 + 2 * 3 == 7"))
        #expect(try holds("(1 + 2) * 3 == 9"))
        #expect(try holds("10 - 4 - 3 == 3"))
        #expect(try holds("2 < 3 == true"))
        #expect(try evaluate("input.count > 2 ? 'big' : 'small'") == "big")
        #expect(try evaluate("false ? 1 : true ? 2 : 3") == 2)
        #expect(try evaluate("-input.count + 1") == -2)
        #expect(try holds("!(input.count == 3) == false"))
    }

    @Test func shortCircuitSkipsOrAbsorbsErrors() throws {
        #expect(try !holds("false && missing.x"))
        #expect(try holds("true || missing.x"))
        #expect(try !holds("input.nope.deep == 1 && false"))
        #expect(try holds("tasks.gone.output || true"))
        #expect(conditionError("true && missing.x")?.reason.hasPrefix("unknown identifier \"missing\"") == true)
        #expect(conditionError("input.nope == 1 && true")?.reason == #"no such key "nope" at input.nope"#)
    }

    @Test func membership() throws {
        #expect(try holds("'urgent' in signal.payload.tags"))
        #expect(try !holds("'low' in signal.payload.tags"))
        #expect(try holds("2.0 in input.list"))
        #expect(try holds("'a' in tasks['my-task'].output.items"))
        #expect(try !holds("'z' in tasks['my-task'].output.items"))
        #expect(try holds("signal.status in ['approved', 'rejected']"))
        #expect(conditionError("'a' in 'abc'")?.reason == "no such overload: string in string")
    }

    @Test func sizeAndHas() throws {
        #expect(try evaluate("size(input.name)") == 12)
        #expect(try evaluate("input.list.size()") == 3)
        #expect(try evaluate("size(tasks)") == 1)
        #expect(try evaluate("size('héllo')") == 5)
        #expect(try holds("size(input.empty) == 0"))
        #expect(try holds("has(signal.payload.score)"))
        #expect(try !holds("has(signal.payload.nope)"))
        #expect(try !holds("has(tasks.gone.output.x)"))
        #expect(try !holds("has(input.none.x)"))
        #expect(try holds("has(input.none)"))
        #expect(try !holds("has(nothing.here)"))
        #expect(try holds("has(tasks['my-task'].output)"))
        #expect(conditionError("size(3)")?.reason == "no such overload: size(integer)")
    }

    @Test func stringMethodsArithmeticAndConversions() throws {
        #expect(try holds("input.name.startsWith('report') && input.name.endsWith('final')"))
        #expect(try holds("input.name.contains('rt-f')"))
        #expect(try holds("input.name.matches('^rep.*l$')"))
        #expect(try evaluate("7 / 2") == 3)
        #expect(try evaluate("7 % 3") == 1)
        #expect(try evaluate("7.0 / 2") == 3.5)
        #expect(try evaluate("'a' + 'b'") == "ab")
        #expect(try evaluate("[1] + [2]") == [1, 2])
        #expect(try evaluate("int('42') + int(2.9)") == 44)
        #expect(try evaluate("double(1) / 4") == 0.25)
        #expect(try evaluate("string(input.count) + '!'") == "3!")
        #expect(try evaluate("type(input.list)") == "list")
        #expect(conditionError("1 / 0")?.reason == "division by zero")
        #expect(conditionError("9223372036854775807 + 1")?.reason == "integer overflow")
    }

    @Test func comprehensionMacros() throws {
        #expect(try holds("input.list.all(x, x > 0)"))
        #expect(try holds("input.list.exists(x, x == 2)"))
        #expect(try !holds("input.list.exists_one(x, x > 1)"))
        #expect(try evaluate("input.list.filter(x, x != 2)") == [1, 3])
        #expect(try evaluate("input.list.map(x, x * 10)") == [10, 20, 30])
        #expect(try holds("tasks['my-task'].output.items.exists(k, k == 'b')"))
        // The variable shadows context names only inside the macro.
        #expect(try holds("input.list.exists(index, index == 1) && index == 2"))
    }

    @Test func parsesOnceEvaluatesManyContexts() throws {
        let expression = try ConditionExpression(parsing: "signal.n % 2 == 0")
        for number in 0..<40 {
            #expect(try expression.isTrue(["signal": ["n": .int(Int64(number))]]) == number.isMultiple(of: 2))
        }
    }
}
