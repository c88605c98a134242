import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardTestSupport

@Suite(.timeLimit(.minutes(1)))
struct ProjectLoaderTests {
    @Test func loadsProjectRuntimeAdaptersToolsAndWorkflows() throws {
        let project = try TestProject(workflows: ["flows/wf.yaml": "id: wf\ntasks:\n  - {id: a, tool: echo}\n"], project: """
            name: demo
            version: 0.1.0
            runtime:
              type: bun
              entrypoint: ./tools.ts
              permissions: [--allow-read]
              mode: pooled
              workers: 4
              tool_execution_timeout: 1m30s
              max_output_bytes: 1048576
            adapters:
              - {id: text, library: ./libtextkit.so, config: {upper: true}}
            models:
              - {provider: mock, model: m, default: true}
            tools:
              - id: echo
                timeout: 500ms
                env: {A: 1}
              - id: crc
                adapter: ffi
                ffi: {library: libz.so.1, symbol: crc32, parameters: [u64, buffer, u32], result: u64}
            workflows:
              - source: flows/wf.yaml
            """)
        try FileManager.default.createDirectory(atPath: project.path("flows"), withIntermediateDirectories: true)
        try project.write("flows/wf.yaml", "id: wf\ntasks:\n  - {id: a, tool: crc}\n")
        let config = try project.load()
        #expect(config.name == "demo")
        #expect(config.runtime.type == "bun")
        #expect(config.runtime.workers == 4)
        #expect(config.runtime.toolExecutionTimeout == .seconds(90))
        #expect(config.runtime.maxOutputBytes == 1_048_576)
        #expect(config.adapters.map(\.id) == ["text"])
        #expect(config.adapters[0].config == ["upper": true])
        #expect(config.tools.first?.timeout == .milliseconds(500))
        #expect(config.tools.first?.env == ["A": "1"])
        #expect(config.tools[1].adapterKey == "ffi")
        #expect(config.workflows.map(\.id) == ["wf"])
        #expect(config.workflows[0].file == project.path("flows/wf.yaml"))
    }

    @Test func goDurations() {
        #expect(GoDuration.parse("30s") == .seconds(30))
        #expect(GoDuration.parse("1m30s") == .seconds(90))
        #expect(GoDuration.parse("500ms") == .milliseconds(500))
        #expect(GoDuration.parse("1h") == .seconds(3600))
        #expect(GoDuration.parse("1.5s") == .milliseconds(1500))
        #expect(GoDuration.parse("soon") == nil)
        #expect(GoDuration.parse("10") == nil)
        #expect(GoDuration.format(.seconds(90)) == "1m30s")
    }

    @Test func validationReportsEveryProblemWithFileAndPath() throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: a
                tool: nosuchtool
                timeout: soon
                on_success: {next: b}
              - id: b
                type: router
                condition: "{{ .workflow.input.x "
                routes:
                  x: a
                  y: ghost
              - id: a
                type: parallel
                strategy: sometimes
                tasks:
                  - {id: c, tool: echo, condition: "input.x ==="}
              - id: d
                type: teleport
              - id: e
                agent: nobody
              - id: f
                type: collection
                mode: sideways
                items: [1]
                task: {tool: echo}
            """)
        let (_, problems) = ProjectLoader.validate(directory: project.directory)
        let file = project.path("wf.yaml")
        #expect(problems.allSatisfy { $0.file == file })
        let lines = problems.map(\.description)
        func has(_ path: String, _ fragment: String) -> Bool {
            lines.contains { $0.hasPrefix("\(file): \(path): ") && $0.contains(fragment) }
        }
        #expect(has("tasks[0].tool", "unknown tool \"nosuchtool\""))
        #expect(has("tasks[0].timeout", "bad duration"))
        #expect(has("tasks[1].condition", "template error"))
        #expect(has("tasks[1].routes.y", "unknown task id \"ghost\""))
        #expect(has("tasks[2].id", "duplicate task id \"a\""))
        #expect(has("tasks[2].strategy", "unknown strategy \"sometimes\""))
        #expect(has("tasks[2].tasks[0].condition", "condition error"))
        #expect(has("tasks[3].type", "unknown type \"teleport\""))
        #expect(has("tasks[4].agent", "unknown agent \"nobody\""))
        #expect(has("tasks[5].mode", "unknown mode \"sideways\""))
        #expect(lines.contains { $0.contains("cycle in next/routes: a -> b -> a") })
        #expect(throws: ConfigError.self) { try project.load() }
    }

    @Test func missingProjectFileAndBadYAMLNameTheFile() throws {
        let empty = TemporaryDirectory.make("switchyard-empty")
       try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let (_, problems) = ProjectLoader.validate(directory: empty)
        #expect(problems.first?.description.contains("no project file") == true)

        let project = try TestProject(workflows: ["wf.yaml": "id: wf\ntasks: [\n"])
        let (_, yamlProblems) = ProjectLoader.validate(directory: project.directory)
        #expect(yamlProblems.first?.file == project.path("wf.yaml"))
        #expect(yamlProblems.first?.reason.contains("not valid YAML") == true)

        let missing = try TestProject(workflows: [:], project: "name: x\nworkflows:\n  - source: gone.yaml\n")
        let (_, missingProblems) = ProjectLoader.validate(directory: missing.directory)
        #expect(missingProblems.first?.file == missing.path("gone.yaml"))
    }

    @Test func inputSchemaSubset() {
        let schema: JSONValue = [
            "type": "object", "required": ["name"], "additionalProperties": false,
            "properties": [
                "name": ["type": "string", "minLength": 2],
                "count": ["type": "integer", "minimum": 1, "maximum": 10],
                "tags": ["type": "array", "items": ["type": "string"], "maxItems": 2],
            ],
        ]
        #expect(InputSchemaValidator.problems(in: ["name": "ok", "count": 3, "tags": ["a"]], schema: schema).isEmpty)
        let problems = InputSchemaValidator.problems(in: ["count": 11, "tags": ["a", 1, "c"], "extra": true], schema: schema)
        #expect(problems.contains("input.name: required property is missing"))
        #expect(problems.contains { $0.hasPrefix("input.count: 11 is greater than the maximum") })
        #expect(problems.contains("input.tags[1]: expected string, got integer"))
        #expect(problems.contains("input.tags: expected at most 2 items, got 3"))
        #expect(problems.contains("input.extra: property is not allowed"))
    }
}
