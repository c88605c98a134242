import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

@Suite(.timeLimit(.minutes(1)))
struct TemplateRenderingTests {
    @Test func fieldChainsAndText() throws {
        #expect(try templateOutput("Hello {{ .input.name }}!") == "Hello world!")
        #expect(try templateOutput("{{.workflow.input.topic}}/{{ .env.HOME }}") == "cats//home/ann")
        #expect(try templateOutput("{{ .tasks.my-task.output.name }}") == "Ann")
    }

    @Test func literalTemplatesComeBackUnchanged() throws {
        let template = try Template(parsing: "[1, 2] not a template")
        #expect(template.isLiteral)
        #expect(try template.render(templateContext) == "[1, 2] not a template")
        #expect(try Template(parsing: "true").render(.null) == "true")
        #expect(try !Template(parsing: "{{ .x }}").isLiteral)
    }

    @Test func valuesPrintGoStyle() throws {
        #expect(try templateOutput("{{ .input.count }}|{{ .input.ratio }}|{{ .input.big }}") == "3|2.5|3")
        #expect(try templateOutput("{{ .input.none }}|{{ .input.map }}|{{ .input.items }}") == #"|{"a":1,"b":2}|["a","b","c"]"#)
        #expect(try templateOutput("{{ true }} {{ 1.5e3 }} {{ 0x1F }} {{ 'a' }} {{ -4 }}") == "true 1500 31 97 -4")
        #expect(try templateOutput("{{ \"a\\tb\\u00e9\" }}{{ `raw\\n` }}") == "a\tbé" + "raw\\n")
    }

    @Test func typedResultsKeepTheReferencedType() throws {
        #expect(try templateValue("{{ .tasks.my-task.output.list }}") == [1, 2, 3])
        #expect(try templateValue("  {{ .input.count }}\n") == 3)
        #expect(try templateValue("{{ .input.ratio }}") == 2.5)
        #expect(try templateValue("{{ .tasks.my-task.output.nested }}") == ["a": 1])
        #expect(try templateValue("{{ .tasks.fetch.output.flag }}") == true)
        #expect(try templateValue("{{ .input.none }}") == .null)
        #expect(try templateValue("{{ add 1 2 }}") == 3)
        #expect(try templateValue("{{ .input.name }}") == "world")
    }

    @Test func plainReferencesToTextStayText() throws {
        // A referenced string is kept as-is even when it looks like JSON or a boolean.
        #expect(try templateValue("{{ .tasks.fetch.output.text }}") == "true")
        #expect(try templateValue("{{ .tasks.fetch.output.json }}") == "[1,2]")
        // Through a function the text rule applies.
        #expect(try templateValue("{{ .tasks.fetch.output.json | trim }}") == [1, 2])
        #expect(try templateValue("{{ toJson .input.map }}") == ["a": 1, "b": 2])
    }

    @Test func renderedTextThatLooksLikeJSONIsParsed() throws {
        #expect(try templateValue("[{{ .input.count }}, 4]") == [3, 4])
        #expect(try templateValue(#"{"n": {{ .input.count }}}"#) == ["n": 3])
        #expect(try templateValue("{{ if .input.count }}true{{ end }}") == true)
        #expect(try templateValue("{{ .input.name }} false") == "world false")
        #expect(try templateValue("x{{ .input.count }}") == "x3")
        #expect(try templateValue("[not json {{ .input.count }}") == "[not json 3")
        #expect(try templateValue("count: {{ .input.count }}") == "count: 3")
    }

    @Test func ifElseChains() throws {
        let source = "{{ if gt .input.count 5 }}big{{ else if gt .input.count 2 }}mid{{ else }}small{{ end }}"
        #expect(try templateOutput(source) == "mid")
        #expect(try templateOutput(source, ["input": ["count": 9]]) == "big")
        #expect(try templateOutput(source, ["input": ["count": 1]]) == "small")
        #expect(try templateOutput("{{ if .input.empty }}yes{{ else }}no{{ end }}") == "no")
        #expect(try templateOutput("{{ if .input.zero }}yes{{ else }}no{{ end }}") == "no")
        #expect(try templateOutput("{{ if .input.items }}yes{{ end }}") == "yes")
        #expect(try templateOutput("{{ if \"\" }}yes{{ else }}no{{ end }}") == "no")
        #expect(try templateOutput("{{ if and .input.name (not .input.none) }}ok{{ end }}") == "ok")
    }

    @Test func rangeOverArraysObjectsAndIntegers() throws {
        #expect(try templateOutput("{{ range .input.items }}<{{ . }}>{{ end }}") == "<a><b><c>")
        #expect(try templateOutput("{{ range $i, $v := .input.items }}{{ $i }}={{ $v }};{{ end }}") == "0=a;1=b;2=c;")
        #expect(try templateOutput("{{ range $v := .input.items }}{{ $v }}{{ end }}") == "abc")
        #expect(try templateOutput("{{ range $k, $v := .input.map }}{{ $k }}:{{ $v }} {{ end }}") == "a:1 b:2 ")
        #expect(try templateOutput("{{ range .input.empty }}x{{ else }}none{{ end }}") == "none")
        #expect(try templateOutput("{{ range .input.none }}x{{ else }}nil{{ end }}") == "nil")
        #expect(try templateOutput("{{ range 3 }}{{ . }}{{ end }}") == "012")
        #expect(try templateOutput("{{ range .input.items }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ . }}{{ end }}") == "ac")
        #expect(try templateOutput("{{ range .input.items }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}") == "a")
        #expect(try templateOutput("{{ range .input.items }}{{ $.input.name }}{{ end }}") == "worldworldworld")
    }

    @Test func withRebindsDot() throws {
        #expect(try templateOutput("{{ with .tasks.my-task.output }}{{ .name }}:{{ .score }}{{ end }}") == "Ann:0.5")
        #expect(try templateOutput("{{ with .input.none }}x{{ else }}empty{{ end }}") == "empty")
        #expect(try templateOutput("{{ with .input.missing }}x{{ else with .input.name }}{{ . }}{{ end }}") == "world")
    }

    @Test func variablesDeclareAssignAndScope() throws {
        #expect(try templateOutput("{{ $x := .input.name }}{{ $x }}-{{ $x = \"b\" }}{{ $x }}") == "world-b")
        #expect(try templateOutput("{{ $n := 1 }}{{ range .input.items }}{{ $n = add $n 1 }}{{ end }}{{ $n }}") == "4")
        #expect(try templateOutput("{{ $.input.name }}") == "world")
        #expect(try templateOutput("{{ if $v := .input.name }}{{ $v }}{{ end }}") == "world")
        #expect(try templateValue("{{ $x := .input.items }}") == "")
    }

    @Test func whitespaceTrimmingAndComments() throws {
        #expect(try templateOutput("a  \n {{- .input.name -}} \n  b") == "aworldb")
        #expect(try templateOutput("a {{- /* gone */ -}} b") == "ab")
        #expect(try templateOutput("a{{/* comment with }} inside */}}b") == "ab")
        #expect(try templateOutput("{{ range .input.items -}}\n  {{ . }}\n{{- end }}") == "abc")
        #expect(try templateOutput("{{ sub 3 -1 }}") == "4")
    }

    @Test func pipelinesAndParentheses() throws {
        #expect(try templateOutput("{{ .input.name | upper | quote }}") == "\"WORLD\"")
        #expect(try templateOutput("{{ .input.padded | trim | printf \"%s!\" }}") == "hi!")
        #expect(try templateOutput("{{ (index .tasks \"my-task\").output.name }}") == "Ann")
        #expect(try templateOutput("{{ index .tasks \"my-task\" \"output\" \"list\" | len }}") == "3")
        #expect(try templateOutput("{{ add (mul 2 3) (len .input.items) }}") == "9")
        #expect(try templateOutput("{{ printf \"%s-%d\" (upper .input.name) (add 1 .input.count) }}") == "WORLD-4")
    }

    @Test func parsesOnceRendersManyContexts() throws {
        let template = try Template(parsing: "{{ .item.name }}#{{ .index }}")
        for position in 0..<50 {
            let context: JSONValue = ["item": ["name": .string("n\(position)")], "index": .int(Int64(position))]
            #expect(try template.render(context) == .string("n\(position)#\(position)"))
        }
    }

    @Test func delimitersInsideStringsAndUnicodeText() throws {
        #expect(try templateOutput(#"{{ "a}}b" }}|{{ `{{x}}` }}"#) == "a}}b|{{x}}")
        #expect(try templateOutput("héllo {{ .input.name }} ✓") == "héllo world ✓")
        #expect(try templateOutput("{{ .input.name }}}}") == "world}}")
    }

    @Test func nestedBlocksSeeOuterVariablesAndRoot() throws {
        let source = """
            {{- range $t, $task := .tasks }}{{ with $task.output }}{{ $t }}:{{ len . }};{{ end }}{{ end -}}
            """
        #expect(try templateOutput(source) == "fetch:6;my-task:4;")
        #expect(try templateOutput("{{ range .input.items }}{{ range $.input.items }}x{{ end }}|{{ end }}") == "xxx|xxx|xxx|")
    }
}
