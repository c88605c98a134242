import Testing
import SwitchyardJSON
@testable import SwitchyardConditions

/// The context most condition tests evaluate over.
let conditionContext: JSONValue = [
    "signal": ["status": "approved", "payload": ["score": 0.8, "tags": ["urgent", "ops"]]],
    "input": ["count": 3, "ratio": 2.5, "name": "report-final", "empty": "", "none": nil, "list": [1, 2, 3]],
    "tasks": ["my-task": ["output": ["ok": true, "items": ["a": 1, "b": 2]]]],
    "index": 2,
]

func conditionValue(_ source: String, _ context: JSONValue = conditionContext) throws -> JSONValue {
    try ConditionExpression(parsing: source).evaluate(context)
}

func conditionHolds(_ source: String, _ context: JSONValue = conditionContext) throws -> Bool {
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
        #expect(try conditionValue("42") == 42)
        #expect(try conditionValue("-7") == -7)
        #expect(try conditionValue("0x10") == 16)
        #expect(try conditionValue("5u") == 5)
        #expect(try conditionValue("1.5e2") == 150.0)
        #expect(try conditionValue("'it\\'s'") == "it's")
        #expect(try conditionValue(#""tab\there""#) == "tab\there")
        #expect(try conditionValue(#"r"raw\n""#) == #"raw\n"#)
        #expect(try conditionValue("'''multi\nline'''") == "multi\nline")
        #expect(try conditionValue("null") == .null)
        #expect(try conditionValue("[1, 'a', true,]") == [1, "a", true])
        #expect(try conditionValue("{'k': 1, \"j\": [2]}") == ["k": 1, "j": [2]])
    }

    @Test func fieldAndIndexAccess() throws {
        #expect(try conditionValue("signal.status") == "approved")
        #expect(try conditionValue("signal.payload.tags[1]") == "ops")
        #expect(try conditionValue("tasks['my-task'].output.items[\"b\"]") == 2)
        #expect(try conditionValue("input.list[index]") == 3)
        #expect(try conditionValue("[10, 20][1]") == 20)
        #expect(try conditionValue("{'a': {'b': 5}}.a.b") == 5)
    }

    @Test func comparisonsAcrossNumericTypes() throws {
        #expect(try conditionHolds("input.count == 3.0"))
        #expect(try conditionHolds("input.ratio < input.count"))
        #expect(try conditionHolds("signal.payload.score >= 0.8 && signal.payload.score <= 1"))
        #expect(try conditionHolds("2 > 1.5"))
        #expect(try conditionHolds("'abc' < 'abd'"))
        #expect(try conditionHolds("'b' > 'a' && 'B' < 'a'"))
        #expect(try conditionHolds("input.none == null"))
        #expect(try conditionHolds("[1, 2] == [1.0, 2]"))
        #expect(try conditionHolds("{'a': 1} == {'a': 1}"))
        #expect(try conditionHolds("false < true"))
        // Values of different types are unequal, not an error.
        #expect(try !conditionHolds("input.count == '3'"))
        #expect(try conditionHolds("input.count != '3'"))
        #expect(conditionError("input.count < 'x'")?.reason == "no such overload: integer < string")
    }

    @Test func precedence() throws {
        #expect(try conditionHolds("true || false && false"))
        #expect(try !conditionHolds("(true || false) && false"))
        #expect(try conditionHolds("!false && true"))
        #expect(try conditionHolds("1 + 2 * 3 == 7"))
        #expect(try conditionHolds("(1 + 2) * 3 == 9"))
        #expect(try conditionHolds("10 - 4 - 3 == 3"))
        #expect(try conditionHolds("2 < 3 == true"))
        #expect(try conditionValue("input.count > 2 ? 'big' : 'small'") == "big")
        #expect(try conditionValue("false ? 1 : true ? 2 : 3") == 2)
        #expect(try conditionValue("-input.count + 1") == -2)
        #expect(try conditionHolds("!(input.count == 3) == false"))
    }

    @Test func shortCircuitSkipsOrAbsorbsErrors() throws {
        #expect(try !conditionHolds("false && missing.x"))
        #expect(try conditionHolds("true || missing.x"))
        #expect(try !conditionHolds("input.nope.deep == 1 && false"))
        #expect(try conditionHolds("tasks.gone.output || true"))
        #expect(conditionError("true && missing.x")?.reason.hasPrefix("unknown identifier \"missing\"") == true)
        #expect(conditionError("input.nope == 1 && true")?.reason == #"no such key "nope" at input.nope"#)
    }

    @Test func membership() throws {
        #expect(try conditionHolds("'urgent' in signal.payload.tags"))
        #expect(try !conditionHolds("'low' in signal.payload.tags"))
        #expect(try conditionHolds("2.0 in input.list"))
        #expect(try conditionHolds("'a' in tasks['my-task'].output.items"))
        #expect(try !conditionHolds("'z' in tasks['my-task'].output.items"))
        #expect(try conditionHolds("signal.status in ['approved', 'rejected']"))
        #expect(conditionError("'a' in 'abc'")?.reason == "no such overload: string in string")
    }

    @Test func sizeAndHas() throws {
        #expect(try conditionValue("size(input.name)") == 12)
        #expect(try conditionValue("input.list.size()") == 3)
        #expect(try conditionValue("size(tasks)") == 1)
        #expect(try conditionValue("size('héllo')") == 5)
        #expect(try conditionHolds("size(input.empty) == 0"))
        #expect(try conditionHolds("has(signal.payload.score)"))
        #expect(try !conditionHolds("has(signal.payload.nope)"))
        #expect(try !conditionHolds("has(tasks.gone.output.x)"))
        #expect(try !conditionHolds("has(input.none.x)"))
        #expect(try conditionHolds("has(input.none)"))
        #expect(try !conditionHolds("has(nothing.here)"))
        #expect(try conditionHolds("has(tasks['my-task'].output)"))
        #expect(conditionError("size(3)")?.reason == "no such overload: size(integer)")
    }

    @Test func stringMethodsArithmeticAndConversions() throws {
        #expect(try conditionHolds("input.name.startsWith('report') && input.name.endsWith('final')"))
        #expect(try conditionHolds("input.name.contains('rt-f')"))
        #expect(try conditionHolds("input.name.matches('^rep.*l$')"))
        #expect(try conditionValue("7 / 2") == 3)
        #expect(try conditionValue("7 % 3") == 1)
        #expect(try conditionValue("7.0 / 2") == 3.5)
        #expect(try conditionValue("'a' + 'b'") == "ab")
        #expect(try conditionValue("[1] + [2]") == [1, 2])
        #expect(try conditionValue("int('42') + int(2.9)") == 44)
        #expect(try conditionValue("double(1) / 4") == 0.25)
        #expect(try conditionValue("string(input.count) + '!'") == "3!")
        #expect(try conditionValue("type(input.list)") == "list")
        #expect(conditionError("1 / 0")?.reason == "division by zero")
        #expect(conditionError("9223372036854775807 + 1")?.reason == "integer overflow")
    }

    @Test func comprehensionMacros() throws {
        #expect(try conditionHolds("input.list.all(x, x > 0)"))
        #expect(try conditionHolds("input.list.exists(x, x == 2)"))
        #expect(try !conditionHolds("input.list.exists_one(x, x > 1)"))
        #expect(try conditionValue("input.list.filter(x, x != 2)") == [1, 3])
        #expect(try conditionValue("input.list.map(x, x * 10)") == [10, 20, 30])
        #expect(try conditionHolds("tasks['my-task'].output.items.exists(k, k == 'b')"))
        // The variable shadows context names only inside the macro.
        #expect(try conditionHolds("input.list.exists(index, index == 1) && index == 2"))
    }

    @Test func parsesOnceEvaluatesManyContexts() throws {
        let expression = try ConditionExpression(parsing: "signal.n % 2 == 0")
        for number in 0..<40 {
            #expect(try expression.isTrue(["signal": ["n": .int(Int64(number))]]) == number.isMultiple(of: 2))
        }
    }
}
