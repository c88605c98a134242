import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// sprig's string functions, with the expected outputs of sprig's strings_test.go and docs.
@Suite(.timeLimit(.minutes(1)))
struct TemplateStringFunctionTests {
    @Test func abbreviationsAndTruncation() throws {
        #expect(try templateOutput(#"{{ "hello world" | abbrev 5 }}"#) == "he...")
        #expect(try templateOutput(#"{{ abbrev 20 "short" }}"#) == "short")
        #expect(try templateOutput(#"{{ abbrev 3 "hello world" }}"#) == "hello world")
        #expect(try templateOutput(#"{{ abbrevboth 5 10 "1234 5678 9123" }}"#) == "...5678...")
        #expect(try templateOutput(#"{{ trunc 5 "hello world" }}"#) == "hello")
        #expect(try templateOutput(#"{{ trunc -5 "hello world" }}"#) == "world")
        #expect(try templateOutput(#"{{ trunc 50 "hello" }}"#) == "hello")
        #expect(try templateOutput(#"{{ substr 0 5 "hello world" }}"#) == "hello")
        #expect(try templateOutput(#"{{ substr 6 -1 "hello world" }}"#) == "world")
        #expect(try templateOutput(#"{{ substr -1 5 "hello world" }}"#) == "hello")
    }

    @Test func casing() throws {
        #expect(try templateOutput(#"{{ title "hello world" }}"#) == "Hello World")
        #expect(try templateOutput(#"{{ title "it's a-b_c 9lives" }}"#) == "It'S A-B_c 9lives")  // strings.Title
        #expect(try templateOutput(#"{{ untitle "Hello World" }}"#) == "hello world")
        #expect(try templateOutput(#"{{ swapcase "This Is A.Test" }}"#) == "tHIS iS a.tEST")
        #expect(try templateOutput(#"{{ initials "first try" }}"#) == "ft")
        for (input, snake) in [("FirstName", "first_name"), ("HTTPServer", "http_server"), ("NoHTTPS", "no_https"),
                               ("GO_PATH", "go_path"), ("GO PATH", "go_path"), ("GO-PATH", "go_path"), ("hello-world", "hello_world")] {
            #expect(try templateOutput("{{ snakecase \"\(input)\" }}") == snake, "snakecase \(input)")
        }
        for (input, camel) in [("http_server", "HttpServer"), ("_camel_case", "_CamelCase"), ("no_https", "NoHttps"),
                               ("_complex__case_", "_Complex_Case_"), ("all", "All"), ("hello-world", "HelloWorld")] {
            #expect(try templateOutput("{{ camelcase \"\(input)\" }}") == camel, "camelcase \(input)")
        }
        #expect(try templateOutput(#"{{ kebabcase "FirstName" }}"#) == "first-name")
        #expect(try templateOutput(#"{{ kebabcase "Hello World" }}"#) == "hello-world")
    }

    @Test func trimmingAndSpacing() throws {
        #expect(try templateOutput(#"{{ trimAll "$" "$5.00$" }}"#) == "5.00")
        #expect(try templateOutput(#"{{ trimall "$" "$5.00" }}"#) == "5.00")
        #expect(try templateOutput(#"{{ nospace "h e l l o " }}"#) == "hello")
        #expect(try templateOutput(#"{{ indent 4 "a\nb" }}"#) == "    a\n    b")
        #expect(try templateOutput(#"{{ nindent 2 "a\nb" }}"#) == "\n  a\n  b")
        #expect(try templateOutput(#"{{ wrap 5 "Hello World" }}"#) == "Hello\nWorld")
        #expect(try templateOutput(#"{{ wrapWith 5 "\t" "Hello World" }}"#) == "Hello\tWorld")
        #expect(try templateOutput(#"{{ wrap 3 "abcdefgh ij" }}"#) == "abcdefgh\nij")
        #expect(try templateOutput(#"{{ cat "hello" "beautiful" "world" }}"#) == "hello beautiful world")
        #expect(try templateOutput(#"{{ cat "a" nil "b" }}"#) == "a b")
    }

    @Test func pluralSplitAndLists() throws {
        #expect(try templateOutput(#"{{ len "foo" | plural "one anchovy" "many anchovies" }}"#) == "many anchovies")
        #expect(try templateOutput(#"{{ 1 | plural "one" "many" }}"#) == "one")
        #expect(try templateValue(#"{{ split "$" "foo$bar$baz" }}"#) == ["_0": "foo", "_1": "bar", "_2": "baz"])
        #expect(try templateOutput(#"{{ $a := split "$" "foo$bar$baz" }}{{ $a._2 }}"#) == "baz")
        #expect(try templateValue(#"{{ splitn "$" 2 "foo$bar$baz" }}"#) == ["_0": "foo", "_1": "bar$baz"])
        #expect(try templateValue(#"{{ list 1 "a" 2.5 | toStrings }}"#) == ["1", "a", "2.5"])
        #expect(try templateValue(#"{{ list "c" "a" "b" | sortAlpha }}"#) == ["a", "b", "c"])
        #expect(try templateOutput("{{ hello }}") == "Hello!")
    }

    @Test func randomText() throws {
        let alphanumeric = try templateOutput("{{ randAlphaNum 12 }}")
        #expect(alphanumeric.count == 12 && alphanumeric.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(try templateOutput("{{ randAlpha 8 }}").allSatisfy { $0.isASCII && $0.isLetter })
        #expect(try templateOutput("{{ randNumeric 8 }}").allSatisfy(\.isNumber))
        #expect(try templateOutput("{{ randAscii 8 }}").unicodeScalars.allSatisfy { (32...126).contains($0.value) })
        #expect(try templateOutput(#"{{ shuffle "hello" }}"#).sorted() == Array("hello").sorted())
    }

    @Test func goEscapers() throws {
        #expect(try templateOutput(#"{{ html "<a href='x'>&\"" }}"#) == "&lt;a href=&#39;x&#39;&gt;&amp;&#34;")
        #expect(try templateOutput(#"{{ js "it's <b>\"x\"</b>" }}"#) == #"it\'s \u003Cb\u003E\"x\"\u003C/b\u003E"#)
        #expect(try templateOutput(#"{{ urlquery "a b&c=d/é" }}"#) == "a+b%26c%3Dd%2F%C3%A9")
    }

    @Test func errorsNameTheFunction() {
        #expect(templateError(#"{{ trunc "x" }}"#)?.reason == "trunc: wrong number of arguments: want 2, got 1")
        #expect(templateError(#"{{ indent -1 "x" }}"#)?.reason == "indent: negative width -1")
        #expect(templateError(#"{{ substr 4 2 "hello" }}"#)?.reason == "substr: start 4 is after end 2")
    }
}
