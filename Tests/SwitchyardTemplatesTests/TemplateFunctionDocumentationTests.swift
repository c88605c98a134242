import Foundation
import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// docs/TEMPLATE-FUNCTIONS.md lists every function, and its examples say what they render.
@Suite(.timeLimit(.minutes(1)))
struct TemplateFunctionDocumentationTests {
    @Test func everyFunctionIsDocumented() throws {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/TEMPLATE-FUNCTIONS.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        let undocumented = TemplateFunction.allCases.map(\.rawValue).filter { !text.contains("`\($0)`") }
        #expect(undocumented.isEmpty, "not in docs/TEMPLATE-FUNCTIONS.md: \(undocumented)")
    }

    @Test func leftOutFunctionsAreUnknown() {
        for name in ["genPrivateKey", "encryptAES", "bcrypt", "htpasswd", "derivePassword", "getHostByName", "genCA", "call"] {
            #expect(templateError("{{ \(name) \"x\" }}")?.reason.contains("function \"\(name)\" not defined") == true, "\(name)")
        }
    }

    @Test func examplesRenderAsDocumented() throws {
        for (template, expected) in [
            (#"{{ and 1 0 }}"#, "0"), (#"{{ not "" }}"#, "true"), (#"{{ printf "%05.1f" 3.14159 }}"#, "003.1"),
            (#"{{ html "<b>" }}"#, "&lt;b&gt;"), (#"{{ js "it's" }}"#, #"it\'s"#), (#"{{ urlquery "a b&c" }}"#, "a+b%26c"),
            (#"{{ slice (list 1 2 3) 1 }}"#, "[2,3]"), (#"{{ swapcase "Ab" }}"#, "aB"), (#"{{ repeat 3 "ab" }}"#, "ababab"),
            (#"{{ (split "$" "a$b")._1 }}"#, "b"), (#"{{ join "-" (list 1 2) }}"#, "1-2"), (#"{{ div 7 2 }}"#, "3"),
            (#"{{ int64 "0x10" }}"#, "16"), (#"{{ ternary "y" "n" true }}"#, "y"), (#"{{ toPrettyJson (list 1) }}"#, "[\n  1\n]"),
            (#"{{ (fromJson "{\"a\":1}").a }}"#, "1"), (#"{{ typeOf 1.5 }}"#, "float64"), (#"{{ b64enc "hi" }}"#, "aGk="),
            (#"{{ regexFind "[0-9]+" "ab12" }}"#, "12"), (#"{{ regexReplaceAllLiteral "a" "aa" "$1" }}"#, "$1$1"),
            (#"{{ regexQuoteMeta "1.2" }}"#, #"1\.2"#), (#"{{ keys (dict "b" 1 "a" 2) }}"#, #"["a","b"]"#),
            (#"{{ dir "a/b/c" }}"#, "a/b"), (#"{{ (urlParse "http://h:1/p").hostname }}"#, "h"),
            (#"{{ urlJoin (dict "scheme" "http" "host" "h" "path" "/p") }}"#, "http://h/p"),
            (#"{{ (semver "1.2.3").Minor }}"#, "2"), (#"{{ semverCompare "^1.2" "1.9.0" }}"#, "true"),
            (#"{{ regexFindAll "[0-9]" "a1b2" -1 }}"#, #"["1","2"]"#), (#"{{ chunk 2 (list 1 2 3) }}"#, "[[1,2],[3]]"),
        ] {
            #expect(try templateOutput(template) == expected, "\(template)")
        }
    }
}
