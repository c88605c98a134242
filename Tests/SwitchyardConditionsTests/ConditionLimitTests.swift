import Foundation
import Testing
import SwitchyardJSON
@testable import SwitchyardConditions
import SwitchyardTestSupport

/// Hostile conditions fail to parse with an error naming the limit, on a small stack, instead of
/// crashing the process (issue #15 item 5).
@Suite(.timeLimit(.minutes(1)))
struct ConditionLimitTests {
    @Test(arguments: [
        String(repeating: "(", count: 10_000) + "true" + String(repeating: ")", count: 10_000),
        String(repeating: "!", count: 10_000) + "true",
        String(repeating: "-", count: 10_000) + "1 == 1",
        String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + " == []",
        Array(repeating: "true", count: 10_000).joined(separator: " && "),
        Array(repeating: "1", count: 10_000).joined(separator: " + ") + " > 0",
        "a" + String(repeating: ".b", count: 10_000),
        String(repeating: "true ? true : ", count: 10_000) + "false",
    ])
    func deepExpressionsFailNamingTheLimit(source: String) throws {
        let error = onSmallStack { () -> ConditionError? in
            do throws(ConditionError) {
                _ = try ConditionExpression(parsing: source)
                return nil
            } catch {
                return error
            }
        }
        #expect(error?.reason.contains("nesting deeper than 100 levels of parentheses, operators and calls") == true,
                "\(String(source.prefix(30))): \(String(describing: error))")
        #expect(error?.column != nil)
    }

    @Test func expressionsWithinTheLimitParseAndEvaluate() throws {
        let nested = String(repeating: "(", count: 90) + "input.n" + String(repeating: ")", count: 90) + " == 3"
        let chained = Array(repeating: "input.n == 3", count: 90).joined(separator: " && ")
        let context: JSONValue = ["input": ["n": 3]]
        for source in [nested, chained] {
            let holds = onSmallStack { try? ConditionExpression(parsing: source).isTrue(context) }
            #expect(holds == true)
        }
    }
}
