import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

@Suite(.timeLimit(.minutes(1)))
struct TemplateErrorTests {
    @Test func missingKeysNameThePath() throws {
        let error = try #require(templateError("{{ .tasks.x.output }}"))
        #expect(error.reason == #"missing key "x" at .tasks.x"#)
        #expect(error.template == "{{ .tasks.x.output }}")
        #expect(error.description == #"template "{{ .tasks.x.output }}": missing key "x" at .tasks.x"#)
        #expect(templateError("{{ .input.nam }}")?.reason == #"missing key "nam" at .input.nam"#)
        #expect(templateError("{{ $.input.nam }}")?.reason == #"missing key "nam" at $.input.nam"#)
        #expect(templateError("{{ $v := .input }}{{ $v.nam }}")?.reason == #"missing key "nam" at $v.nam"#)
        #expect(templateError("{{ (index .tasks \"my-task\").nope }}")?.reason
            == #"missing key "nope" at (index .tasks "my-task").nope"#)
        #expect(templateError("{{ range .input.items }}{{ .x }}{{ end }}")?.reason == #"can't read field "x" of string at .x"#)
    }

    @Test func fieldsOfNullAreMissingKeys() throws {
        #expect(templateError("{{ .input.none.x }}")?.reason == #"missing key "x" at .input.none.x (.input.none is null)"#)
        #expect(templateError("{{ .x }}", .null)?.reason == #"missing key "x" at .x (. is null)"#)
    }

    @Test func missingValuesAreEmptyWhereTheQuestionIsPresence() throws {
        #expect(try templateOutput("{{ if .tasks.x.output }}y{{ else }}n{{ end }}") == "n")
        #expect(try templateOutput("{{ if eq .signal.status \"ok\" }}y{{ else }}n{{ end }}") == "n")
        #expect(try templateOutput("{{ with .input.none.deep }}y{{ else }}n{{ end }}") == "n")
        #expect(try templateOutput("{{ if not .input.missing }}y{{ end }}") == "y")
        #expect(try templateOutput("{{ if or .input.missing .input.name }}y{{ end }}") == "y")
        #expect(try templateOutput("{{ .input.missing | empty }}") == "true")
        // Tolerance does not leak into the body of the block.
        #expect(templateError("{{ if .input.name }}{{ .input.missing }}{{ end }}")?.reason
            == #"missing key "missing" at .input.missing"#)
        // Nor into functions that are not presence questions.
        #expect(templateError("{{ upper .input.missing }}")?.reason == #"missing key "missing" at .input.missing"#)
        #expect(templateError("{{ .input.missing | upper }}")?.reason == #"missing key "missing" at .input.missing"#)
    }

    @Test func syntaxErrorsSayTheColumn() throws {
        func parseError(_ source: String) -> String? {
            do {
                _ = try Template(parsing: source)
                return nil
            } catch {
                return error.reason
            }
        }
        #expect(parseError("{{ .a | }}") == #"unexpected "}}" at column 9"#)
        #expect(parseError("ab{{ .a") == "unclosed action at column 3")
        #expect(parseError("{{ if .a }}x") == "unexpected end of template: {{if}} has no {{end}} at column 1")
        #expect(parseError("{{ end }}") == "unexpected {{end}} at column 1")
        #expect(parseError("{{ else }}") == "unexpected {{else}} at column 1")
        #expect(parseError("{{ nosuch .a }}") == #"function "nosuch" not defined at column 4"#)
        #expect(parseError("{{ $y }}") == #"undefined variable "$y" at column 4"#)
        #expect(parseError("{{ .a .b }}") == #"unexpected ".b": can't give argument to non-function .a at column 7"#)
        #expect(parseError("{{ .a | .b }}") == "can't pipe into non-function .b at column 9")
        #expect(parseError("{{ \"abc }}") == "unterminated quoted string at column 4")
        #expect(parseError("{{ (upper .a }}") == "unclosed left paren at column 4")
        #expect(parseError("line1\n{{ .a ) }}") == #"unexpected ")" at line 2, column 7"#)
        #expect(parseError("{{ break }}") == "{{break}} outside {{range}} at column 1")
        #expect(parseError("{{ template \"x\" }}") == "{{template}} is not supported at column 4")
        #expect(parseError("{{/* open }}") == "unclosed comment at column 1")
        #expect(parseError("{{ 1abc }}") == #"bad number syntax: "1abc" at column 4"#)
        #expect(parseError("{{ }}") == "missing command at column 4")
        #expect(parseError("{{ if .a }}{{ else }}{{ else }}{{ end }}") != nil)
    }

    @Test func variablesAreScopedToTheirBlock() {
        #expect(templateError("{{ range .input.items }}{{ $x := . }}{{ end }}{{ $x }}")?.reason
            == #"undefined variable "$x" at column 50"#)
    }

    @Test func rangeOverScalarFails() {
        #expect(templateError("{{ range .input.name }}{{ end }}")?.reason == #"range can't iterate over string "world""#)
    }

    /// Every truncation of real templates either parses or fails with a positioned reason.
    @Test func everyPrefixParsesOrFailsCleanly() {
        let sources = [
            #"{{- range $i, $v := .input.items }}{{ if eq $i 0 }}{{ printf "%q" $v }}{{ else }}, {{ $v }}{{ end }}{{ end -}}"#,
            #"{{ with (index .tasks "my-task").output }}{{ .name | upper | quote }}{{ else }}{{/* none */}}{{ end }}"#,
            "{{ 'x' }}{{ `raw` }}{{ -1.5e3 }}{{ $x := 0x1F }}{{ $x = add $x 1 }}",
        ]
        for source in sources {
            #expect((try? Template(parsing: source)) != nil, "full template must parse: \(source)")
            var prefix = ""
            for character in source.dropLast() {
                prefix.append(character)
                do {
                    _ = try Template(parsing: prefix)
                } catch {
                    #expect(error.reason.contains("column"), "no position for \(prefix): \(error.reason)")
                }
            }
        }
    }
}
