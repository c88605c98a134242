import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// compozy's template conformance fixtures (test/fixtures/tplengine/*.yaml, run by
/// test/integration/tplengine_test.go), with their expected outputs. compozy compares after
/// normalizing whitespace (trimmed lines, runs of spaces and blank lines collapsed); so does this.
@Suite(.timeLimit(.minutes(1)))
struct TemplateCompozyFixtureTests {
    private func expectFixture(_ cases: [(name: String, template: String, expected: String, context: JSONValue)]) throws {
        for fixture in cases {
            let output = try templateOutput(fixture.template, fixture.context)
            #expect(normalizedWhitespace(output) == normalizedWhitespace(fixture.expected), "\(fixture.name)")
        }
    }

    @Test func stringExamples() throws {
        try expectFixture([
            ("uppercase", #"{{ upper "hello world" }}"#, "HELLO WORLD", [:]),
            ("lowercase", #"{{ lower "HELLO WORLD" }}"#, "hello world", [:]),
            ("capitalize", #"{{ title "hello world" }}"#, "Hello World", [:]),
            ("camelCase", #"{{ camelcase "hello-world" }}"#, "HelloWorld", [:]),
            ("pascalCase", #"{{ title (camelcase "hello-world") }}"#, "HelloWorld", [:]),
            ("snakeCase", #"{{ snakecase "hello-world" }}"#, "hello_world", [:]),
            ("slugify", #"{{ kebabcase "Hello World" }}"#, "hello-world", [:]),
            ("trim", #"{{ trim "  hello world  " }}"#, "hello world", [:]),
        ])
    }

    @Test func numberExamples() throws {
        try expectFixture([
            ("add", "{{ add 5 3 }}", "8", [:]), ("subtract", "{{ sub 5 3 }}", "2", [:]),
            ("multiply", "{{ mul 5 3 }}", "15", [:]), ("divide", "{{ div 6 3 }}", "2", [:]),
            ("abs", "{{ mulf -5 -1 }}", "5", [:]), ("formatNumber", #"{{ printf "%.2f" 3.14159 }}"#, "3.14", [:]),
            ("formatPercentage", #"{{ printf "%.2f%%" 50.0 }}"#, "50.00%", [:]),
            ("formatCurrency", #"{{ printf "$%.2f" 99.95 }}"#, "$99.95", [:]), ("ceil", "{{ ceil 3.1 }}", "4", [:]),
        ])
    }

    /// compozy fixes `now` at 2023-01-02T15:04:05Z for these; here the same instant comes from `toDate`.
    @Test func dateExamples() throws {
        let now = #"(toDate "2006-01-02T15:04:05Z07:00" "2023-01-02T15:04:05Z")"#
        try expectFixture([
            ("formatDate", "{{ \(now) | date \"2006-01-02\" }}", "2023-01-02", [:]),
            ("dateComponent_year", "{{ dateInZone \"2006\" \(now) \"UTC\" }}", "2023", [:]),
            ("dateComponent_month", "{{ dateInZone \"01\" \(now) \"UTC\" }}", "01", [:]),
            ("dateComponent_day", "{{ dateInZone \"02\" \(now) \"UTC\" }}", "02", [:]),
            ("dateHuman", "{{ dateInZone \"2006-01-02\" \(now) \"UTC\" }}", "2023-01-02", [:]),
        ])
    }

    @Test func collectionExamples() throws {
        let items: JSONValue = ["items": ["a", "b", "c"]]
        try expectFixture([
            ("simple_loop", "{{ range .items }}{{ . }}{{ end }}", "abc", items),
            ("loop_with_separator",
             "{{ range $index, $item := .items }}{{ $item }}{{ if ne $index (sub (len $.items) 1) }}, {{ end }}{{ end }}", "a, b, c", items),
            ("loop_with_index",
             "{{ range $index, $item := .items }}{{ $index }}: {{ $item }}{{ if ne $index (sub (len $.items) 1) }}\n{{ end }}{{ end }}",
             "0: a\n1: b\n2: c", items),
            ("empty_loop", "{{ range .items }}{{ . }}{{ end }}", "", ["items": []]),
            ("loop_with_conditional",
             "Available items:\n{{ range .items }}\n  {{ if .in_stock }}\n    - {{ .name }}\n  {{ end }}\n{{ end }}\n",
             "Available items:\n  - Item 1\n  - Item 3\n",
             ["items": [["name": "Item 1", "in_stock": true], ["name": "Item 2", "in_stock": false], ["name": "Item 3", "in_stock": true]]]),
        ])
    }

    @Test func conditionalAndComplexExamples() throws {
        try expectFixture([
            ("simple_if", "{{ if .show }}Visible{{ end }}", "Visible", ["show": true]),
            ("if_else", "{{ if .show }}Visible{{ else }}Hidden{{ end }}", "Hidden", ["show": false]),
            ("nested_property", "{{ if .user.isAdmin }}Admin{{ else }}User{{ end }}", "Admin", ["user": ["isAdmin": true]]),
            ("user_profile", """
                user_information:
                  greeting: "Hello, {{ .user.name }}!"
                  profile:
                    name: "{{ .user.name }}"
                    age: "{{ .user.age }}"
                    is_admin: "{{ .user.is_admin }}"
                  account_status: "{{ if .user.is_admin }}Administrator{{ else }}Regular User{{ end }}"

                """, """
                user_information:
                  greeting: "Hello, John Doe!"
                  profile:
                    name: "John Doe"
                    age: "30"
                    is_admin: "true"
                  account_status: "Administrator"

                """, ["user": ["name": "John Doe", "age": 30, "is_admin": true]]),
        ])
    }

    /// compozy's pkg/tplengine/engine_test.go `TestSprigFunctions`.
    @Test func sprigFunctionsTest() throws {
        #expect(try templateOutput(#"{{ contains "world" "hello world" }}"#) == "true")
        #expect(try templateOutput(#"{{ hasPrefix "hello" "hello world" }}"#) == "true")
        #expect(try templateOutput(#"{{ hasSuffix "world" "hello world" }}"#) == "true")
        #expect(try templateOutput(#"{{ regexMatch "[a-z]+" "hello" }}"#) == "true")
    }
}

/// compozy's `normalizeWhitespace`: trimmed, blank lines dropped, each line trimmed with runs of
/// whitespace made one space.
private func normalizedWhitespace(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        .filter { !$0.isEmpty }
        .joined(separator: "\n")
}
