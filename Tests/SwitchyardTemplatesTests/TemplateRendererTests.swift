import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

@Suite(.timeLimit(.minutes(1)))
struct TemplateRendererTests {
    @Test func rendersEveryStringInADocument() throws {
        let document: JSONValue = [
            "name": "{{ .input.name }}",
            "list": "{{ .tasks.my-task.output.list }}",
            "plain": "no template [1]",
            "number": 7,
            "nested": ["deep": ["{{ add 1 1 }}", "x{{ .input.count }}"]],
            "key-{{ .input.name }}": "{{ .input.count }}",
        ]
        let rendered = try TemplateRenderer.render(document, context: templateContext)
        #expect(rendered == [
            "name": "world",
            "list": [1, 2, 3],
            "plain": "no template [1]",
            "number": 7,
            "nested": ["deep": [2, "x3"]],
            "key-world": 3,
        ])
    }

    @Test func renderErrorsCarryTheDocumentPath() throws {
        let document: JSONValue = ["with": ["items": ["ok", "{{ .tasks.gone.output }}"]]]
        do {
            _ = try TemplateRenderer.render(document, context: templateContext)
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "with.items[1]")
            #expect(error.reason == #"missing key "gone" at .tasks.gone"#)
            #expect(error.description.hasPrefix(#"with.items[1]: template "{{ .tasks.gone.output }}""#))
        }
    }

    @Test func validateReportsEverySyntaxErrorWithItsPath() {
        let document: JSONValue = [
            "with": ["name": "{{ .a | }}", "fine": "{{ .a }}", "list": ["x", "{{ if .b }}"]],
            "{{ bad key": 1,
        ]
        let errors = TemplateRenderer.validate(document, at: "tasks[2]")
        #expect(errors.map(\.path) == ["tasks[2].with.list[1]", "tasks[2].with.name", "tasks[2].{{ bad key"])
        #expect(errors[1].reason == #"unexpected "}}" at column 9"#)
        #expect(TemplateRenderer.validate(["a": "{{ .x.y }}", "b": [1, "{{ len .z }}"]], at: "") == [])
    }

    @Test func rendersConcurrentlyThroughTheSharedCache() async throws {
        let template: JSONValue = ["greeting": "hi {{ .item }}", "n": "{{ .index }}"]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for round in 0..<100 {
                        let index = Int64(worker * 1000 + round)
                        let context: JSONValue = ["item": .string("w\(worker)"), "index": .int(index)]
                        let rendered = try TemplateRenderer.render(template, context: context)
                        #expect(rendered == ["greeting": .string("hi w\(worker)"), "n": .int(index)])
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func theParseCacheStaysBounded() throws {
        for number in 0..<5000 {
            let rendered = try TemplateRenderer.render(.string("{{ add \(number) 1 }}"), context: .null)
            #expect(rendered == .int(Int64(number + 1)))
        }
        #expect(TemplateRenderer.cachedTemplateCount <= 4096)
        #expect(TemplateRenderer.cachedTemplateCount > 0)
    }
}
