import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardTestSupport

/// Schema ids in place of inline schemas (compozy's `resolveSchemaRef` sites), with
/// `compile_test.go` `TestSchemaIDLinking_FromMap` as the fixture Fixtures/compozy/schemas/linking.
@Suite(.timeLimit(.minutes(1)))
struct SchemaReferenceTests {
    static let linking = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/compozy/schemas/linking").path

    @Test func compozysLinkingFixtureMaterializesEverySchema() throws {
        let (config, problems) = ProjectLoader.validate(directory: Self.linking)
        #expect(problems.isEmpty, "\(problems)")
        let workflow = try #require(config?.workflow("wf_link"))
        let expected: JSONValue = ["id": "my_schema", "type": "object", "properties": ["x": ["type": "string"]], "required": ["x"]]
        #expect(workflow.tasks[0].inputSchema == expected)  // task-level input
        #expect(workflow.tools[0].input == expected)  // the tool's input
        #expect(workflow.agents[0]["actions"]?.arrayValue?.first?["input"] == expected)  // the agent action's input
        #expect(config?.resources.resource(.schema, id: "my_schema")?.path == "schemas[0]")
    }

    @Test func everySiteAcceptsAnIdAndReportsAnUnknownOneWithItsPlace() throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            schemas:
              - {id: local, type: object, properties: {n: {type: integer}}}
            config:
              input: nope
            triggers:
              - {type: signal, name: go, schema: locl}
              - {type: webhook, webhook: {events: [{name: e, schema: local}, {name: f, schema: 7}]}}
            tools:
              - {id: wt, input: shared, output: missing}
            agents:
              - id: ag
                instructions: x
                actions: [{id: a, input: local, output: shraed}]
            tasks:
              - id: p
                type: parallel
                tasks:
                  - {id: c, tool: echo, input: local, output: gone}
              - {id: q, tool: echo, input: [1]}
            """], project: """
            name: t
            schemas:
              - {id: shared, type: object}
            tools:
              - {id: echo, input: shared, output: absent}
            workflows: [{source: wf.yaml}]
            """)
        let (config, problems) = ProjectLoader.validate(directory: project.directory)
        let projectFile = project.path("compozy.yaml"), workflowFile = project.path("wf.yaml")
        let known = "(declared schemas: local, shared)"
        #expect(problems.map(\.description) == [
            "\(projectFile): tools[0].output: unknown schema \"absent\" (declared schemas: shared)",
            "\(workflowFile): config.input: unknown schema \"nope\" \(known)",
            "\(workflowFile): tools[0].output: unknown schema \"missing\" \(known)",
            "\(workflowFile): agents[0].actions[0].output: unknown schema \"shraed\" \(known) (did you mean \"shared\"?)",
            "\(workflowFile): triggers[0].schema: unknown schema \"locl\" \(known) (did you mean \"local\"?)",
            "\(workflowFile): triggers[1].webhook.events[1].schema: expected a schema id or a JSON Schema mapping, found integer",
            "\(workflowFile): tasks[0].tasks[0].output: unknown schema \"gone\" \(known)",
            "\(workflowFile): tasks[1].input: expected a schema id or a JSON Schema mapping, found array",
        ])
        let workflow = try #require(config?.workflow("wf"))
        #expect(workflow.inputSchema == nil)  // not reported a second time as "expected a JSON Schema mapping"
        #expect(workflow.tools[0].input == ["id": "shared", "type": "object"])
        #expect(workflow.tasks[0].tasks[0].inputSchema?["properties"]?["n"] == ["type": "integer"])
        #expect(workflow.triggers[1]["webhook"]?["events"]?.arrayValue?.first?["schema"]?["id"] == "local")
        #expect(config?.tools.first?.input == ["id": "shared", "type": "object"])
    }

    @Test func aWorkflowsOwnSchemaShadowsTheProjectsAndIdsIgnoreCase() throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            schemas: [{id: shared, type: object, required: [own]}]
            config: {input: SHARED}
            tasks: [{id: a, type: aggregate, outputs: {}}]
            """], project: "name: t\nschemas: [{id: shared, type: object}]\nworkflows: [{source: wf.yaml}]\n")
        let config = try project.load()
        #expect(config.workflow("wf")?.inputSchema?["required"] == ["own"])
    }

    @Test func schemaListsAreChecked() throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            schemas: [{id: a}, {id: A}, {type: object}, 3]
            tasks: [{id: t, type: aggregate, outputs: {}}]
            """], project: "name: t\nschemas: {id: x}\nworkflows: [{source: wf.yaml}]\n")
        let problems = ProjectLoader.validate(directory: project.directory).problems.map(\.description)
        let workflowFile = project.path("wf.yaml")
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("\(project.path("compozy.yaml")): schemas:") })
        #expect(problems.contains("\(workflowFile): schemas[1].id: duplicate schema id \"A\" (first at schemas[0])"))
        #expect(problems.contains("\(workflowFile): schemas[2].id: is required"))
        #expect(problems.contains { $0.hasPrefix("\(workflowFile): schemas[3]:") })
    }

    @Test func aSchemaIDOnAToolIsEnforcedWhenTheToolRuns() async throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            tasks: [{id: a, tool: echo, with: {n: "{{ .workflow.input.n }}"}}]
            """], project: """
            name: t
            schemas: [{id: numbered, type: object, properties: {n: {type: string, minLength: 2}}, required: [n]}]
            tools: [{id: echo, input: numbered}]
            workflows: [{source: wf.yaml}]
            """)
        let good = try await project.run(input: ["n": "ok"])
        #expect(good.status == .success)
        let bad = try await project.run(input: ["n": "x"])
        #expect(bad.status == .failed)
        #expect(bad.error?["message"]?.stringValue?.contains("input.n") == true, "\(String(describing: bad.error))")
    }
}
