import Testing
import SwitchyardRuntime

/// The tool id rule the loader and the Bun adapter share.
@Suite struct ToolIdentifierRulesTests {
    @Test func acceptsRelativeNamesOfTheAllowedCharacters() {
        for id in ["echo", "math/add", "text.upper", "v1-2_x", "A/b.c-d_9"] {
            #expect(ToolIdentifierRules.problem(id) == nil, "\(id)")
        }
    }

    @Test func refusesEmptyAbsoluteParentStepsAndOtherCharacters() {
        #expect(ToolIdentifierRules.problem("") == "the tool id is empty")
        #expect(ToolIdentifierRules.problem("/etc/passwd") == "tool id \"/etc/passwd\" must not be absolute")
        #expect(ToolIdentifierRules.problem("a/../b") == "tool id \"a/../b\" must not contain \"..\"")
        for id in ["has space", "semi;colon", "tab\t", "ünï", "nul\u{0}"] {
            #expect(ToolIdentifierRules.problem(id) == "tool id \"\(id)\" may contain only A-Z a-z 0-9 _ / . -")
        }
    }
}
