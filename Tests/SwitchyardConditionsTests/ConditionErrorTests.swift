import Testing
import SwitchyardJSON
@testable import SwitchyardConditions

@Suite(.timeLimit(.minutes(1)))
struct ConditionErrorTests {
    @Test func missingNamesAndFieldsNameThePath() throws {
        let unknown = try #require(conditionError("sginal.status == 'x'"))
        #expect(unknown.reason == #"unknown identifier "sginal" (available: index, input, signal, tasks)"#)
        #expect(unknown.column == nil)
        #expect(conditionError("tasks.gone.output")?.reason == #"no such key "gone" at tasks.gone"#)
        #expect(conditionError("tasks['gone'].output")?.reason == #"no such key "gone" at tasks["gone"]"#)
        #expect(conditionError("input.none.x")?.reason == #"no such key "x" at input.none.x (input.none is null)"#)
        #expect(conditionError("input.list[7]")?.reason == "index 7 out of range (size 3) at input.list[7]")
        #expect(conditionError("input.count.x")?.reason == #"cannot select field "x" from integer at input.count.x"#)
        #expect(conditionError("input.list['a']")?.reason == "list index must be an int, got string at input.list[\"a\"]")
    }

    @Test func parseErrorsSayTheColumn() {
        func parseError(_ source: String) -> ConditionError? {
            do {
                _ = try ConditionExpression(parsing: source)
                return nil
            } catch {
                return error
            }
        }
        let dangling = parseError("input.count == ")
        #expect(dangling?.reason == "unexpected end of expression")
        #expect(dangling?.column == 16)
        #expect(dangling?.description == #"condition "input.count == ": unexpected end of expression at column 16"#)
        #expect(parseError("a && (b || c")?.column == 13)
        #expect(parseError("a && (b || c")?.reason == #"unexpected end of expression, expected ")""#)
        #expect(parseError("a = b")?.reason == #"unexpected character "=""#)
        #expect(parseError("a = b")?.column == 3)
        #expect(parseError("'open")?.reason == "unterminated string")
        #expect(parseError("nosuch(1)")?.reason == #"unknown function "nosuch""#)
        #expect(parseError("x.nosuch()")?.column == 3)
        #expect(parseError("size(1, 2)")?.reason == "size takes 1 argument(s)")
        #expect(parseError("has(1)")?.reason == "has() needs a field selection like has(a.b)")
        #expect(parseError("a b")?.reason == #"unexpected "b""#)
        #expect(parseError("a b")?.column == 3)
        #expect(parseError("")?.reason == "empty expression")
        #expect(parseError("'é' == x ==")?.column == 12)
        #expect(parseError("99999999999999999999")?.reason == "integer literal 99999999999999999999 out of range")
    }

    @Test func resultMustBeABoolean() throws {
        let expression = try ConditionExpression(parsing: "signal.status")
        do {
            _ = try expression.isTrue(conditionContext)
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == "evaluated to string, expected bool")
            #expect(error.description == #"condition "signal.status": evaluated to string, expected bool"#)
        }
        #expect(throws: ConditionError.self) { try conditionHolds("input.count") }
        #expect(throws: ConditionError.self) { try conditionHolds("null") }
    }

    @Test func logicalOperatorsNeedBooleans() {
        #expect(conditionError("input.count && true")?.reason == "&& needs bool operands, got integer 3")
        #expect(conditionError("!input.name")?.reason == #"! needs bool operands, got string "report-final""#)
    }

    /// Every truncation of a real condition either parses or fails with a column.
    @Test func everyPrefixParsesOrFailsCleanly() {
        let source = #"has(signal.payload) && signal.payload.tags.exists(t, t in ['a', "b"]) ? size({'k': -1.5e2}) > 0u : r'x'.matches("^x$")"#
        #expect((try? ConditionExpression(parsing: source)) != nil)
        var prefix = ""
        for character in source.dropLast() {
            prefix.append(character)
            do {
                _ = try ConditionExpression(parsing: prefix)
            } catch {
                #expect(error.column != nil, "no column for \(prefix): \(error.reason)")
            }
        }
    }
}
