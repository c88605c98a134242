import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardTestSupport

/// `autoload:` end to end through `ProjectLoader`, with compozy's `autoload_test.go`,
/// `config_test.go` and `registry_simple_test.go` cases on real project directories.
@Suite(.timeLimit(.minutes(1)))
struct AutoloadTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/compozy/autoload/project").path

    /// A project whose file has `autoload` (the YAML under `autoload:`), plus `files`.
    static func project(autoload: String, files: [String: String], extra: String = "") throws -> TestProject {
        try TestProject(workflows: [:], project: "name: auto\nautoload:\n\(autoload)\n\(extra)", extra: files)
    }

    static let validWorkflow = """
        resource: workflow
        id: test-workflow
        version: "1.0"
        description: Test workflow
        tasks:
          - {type: basic, id: test-task, tool: echo}
        """

    // MARK: autoload_test.go

    @Test func validFilesAreLoadedAndRegistered() async throws {
        let project = try Self.project(autoload: "  enabled: true\n  strict: true\n  include: [\"workflows/*.yaml\"]",
                                       files: ["workflows/test.yaml": Self.validWorkflow], extra: "tools:\n  - id: echo\n")
        let (config, problems) = ProjectLoader.validate(directory: project.directory)
        #expect(problems.isEmpty, "\(problems)")
        #expect(config?.workflows.map(\.id) == ["test-workflow"])
        #expect(config?.resources.resource(.workflow, id: "test-workflow")?.file == project.path("workflows/test.yaml"))
        let result = try await project.engine().run(workflowID: "test-workflow", input: ["said": "hi"])
        #expect(result.status == .success)
    }

    @Test func aMissingResourceOrIDFieldIsAnErrorWhenStrict() throws {
        let project = try Self.project(autoload: "  enabled: true\n  strict: true\n  include: [\"workflows/*.yaml\"]", files: [
            "workflows/invalid.yaml": "id: test-workflow\nversion: \"1.0\"\n",
            "workflows/noid.yaml": "resource: workflow\nversion: \"1.0\"\n",
            "workflows/blank.yaml": "resource: \"\"\nid: [1]\n",
        ])
        let (config, problems) = ProjectLoader.validate(directory: project.directory)
        #expect(problems.map(\.description) == [
            "\(project.path("workflows/blank.yaml")): resource: resource field must be a non-empty string",
            "\(project.path("workflows/invalid.yaml")): resource: configuration missing required resource field",
            "\(project.path("workflows/noid.yaml")): id: configuration missing required id field",
        ])
        #expect(config?.resources.count == 0)
    }

    @Test func invalidFilesAreSkippedWithAWarningWhenNotStrict() throws {
        let project = try Self.project(autoload: "  enabled: true\n  strict: false\n  include: [\"workflows/*.yaml\"]", files: [
            "workflows/valid.yaml": Self.validWorkflow.replacingOccurrences(of: "test-workflow", with: "valid-workflow"),
            "workflows/invalid.yaml": "id: invalid-workflow\nversion: \"1.0\"\n",
        ], extra: "tools:\n  - id: echo\n")
        let (config, problems) = ProjectLoader.validate(directory: project.directory)
        #expect(problems.isEmpty, "\(problems)")
        #expect(config?.workflows.map(\.id) == ["valid-workflow"])
        #expect(config?.warnings.map(\.description) == [
            "\(project.path("workflows/invalid.yaml")): resource: configuration missing required resource field "
                + "(skipped: autoload.strict is false)",
        ])
    }

    @Test func strictDefaultsToFalseAsCompozyDecodesIt() throws {
        let project = try Self.project(autoload: "  enabled: true\n  include: [\"**/*.yaml\"]", files: ["x/bad.yaml": "id: x\n"])
        let (config, problems) = ProjectLoader.validate(directory: project.directory)
        #expect(config?.autoload == AutoloadConfig(enabled: true, strict: false, include: ["**/*.yaml"]))
        #expect(problems.isEmpty, "\(problems)")
        #expect(config?.warnings.count == 1)  // compozy.yaml itself is not a resource file
    }

    @Test func disabledOrEmptyDiscoveryLoadsNothing() throws {
        let disabled = try Self.project(autoload: "  enabled: false\n  include: [\"workflows/*.yaml\"]",
                                        files: ["workflows/test.yaml": Self.validWorkflow])
        let (config, problems) = ProjectLoader.validate(directory: disabled.directory)
        #expect(problems.isEmpty)
        #expect(config?.workflows.isEmpty == true)
        let empty = try Self.project(autoload: "  enabled: true\n  strict: true\n  include: [\"nonexistent/*.yaml\"]", files: [:])
        #expect(ProjectLoader.validate(directory: empty.directory).problems.isEmpty)
    }

    @Test func aFileOutsideTheProjectIsRefused() throws {
        let outside = TemporaryDirectory.make("switchyard-autoload-outside")
        try Self.validWorkflow.write(toFile: outside + "/wf.yaml", atomically: true, encoding: .utf8)
        let project = try Self.project(autoload: "  enabled: true\n  strict: true\n  include: [\"workflows/*.yaml\"]", files: [:])
        try FileManager.default.createDirectory(atPath: project.path("workflows"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: project.path("workflows/wf.yaml"), withDestinationPath: outside + "/wf.yaml")
        let problems = ProjectLoader.validate(directory: project.directory).problems
        #expect(problems.count == 1)
        #expect(problems.first?.file == project.path("workflows/wf.yaml"))
        #expect(problems.first?.reason.hasPrefix("file path escapes the project root") == true)
    }

    // MARK: config_test.go (Config.Validate) and discovery errors

    @Test func theAutoloadBlockIsChecked() throws {
        let project = try Self.project(autoload: """
              enabled: true
              strcit: true
              include: ["workflows/**/*.yaml", "", "/etc/*.yaml", "../x/*.yaml", "[bad"]
              exclude: ["test/**", ""]
            """, files: [:])
        let file = project.path("compozy.yaml")
        #expect(ProjectLoader.validate(directory: project.directory).problems.map(\.description) == [
            "\(file): autoload.strcit: unknown key in autoload (did you mean \"strict\"?)",
            "\(file): autoload.include[1]: empty include pattern is not allowed",
            "\(file): autoload.exclude[1]: empty exclude pattern is not allowed",
            "\(file): autoload.include[2]: absolute paths not allowed: /etc/*.yaml",
            "\(file): autoload.include[3]: parent directory references not allowed: ../x/*.yaml",
            "\(file): autoload.include[4]: invalid glob pattern \"[bad\": unclosed \"[\"",
        ])
        let missing = try Self.project(autoload: "  enabled: true", files: [:])
        #expect(ProjectLoader.validate(directory: missing.directory).problems.map(\.reason)
            == ["autoload.include patterns are required when autoload is enabled"])
    }

    // MARK: registry_simple_test.go, through resource files

    @Test func duplicatesAreCaseInsensitiveAcrossFilesButNotAcrossKinds() throws {
        let project = try Self.project(autoload: "  enabled: true\n  strict: true\n  include: [\"res/*.yaml\"]", files: [
            "res/a.yaml": "resource: Agent\nid: same-id\ninstructions: one\n",
            "res/b.yaml": "resource: AGENT\nid: \"  Same-ID  \"\ninstructions: two\n",
            "res/c.yaml": "resource: schema\nid: same-id\ntype: object\n",
            "res/d.yaml": "resource: widget\nid: w\n",
        ])
        let (config, problems) = ProjectLoader.validate(directory: project.directory)
        #expect(problems.map(\.description) == [
            "\(project.path("res/b.yaml")): id: duplicate agent id \"  Same-ID  \" (first in \(project.path("res/a.yaml")))",
            "\(project.path("res/d.yaml")): resource: unknown resource type \"widget\" (known: agent, tool, task, schema, "
                + "model, memory, workflow, mcp, project, knowledge_base, embedder, vector_db)",
        ])
        #expect(config?.resources.count == 2)
        #expect(config?.resources.resource(.agent, id: "SAME-ID")?.value["instructions"] == "one")
        #expect(config?.resources.resource(.schema, id: "same-id") != nil)
        #expect(ResourceRegistry.Kind(resourceName: " Knowledge-Base ") == .knowledgeBase)
        #expect(ResourceRegistry.Kind(resourceName: "vectordb") == .vectorDB)
    }

    @Test func autoloadedResourcesClashingWithDeclaredOnesAreDuplicates() throws {
        let project = try Self.project(autoload: "  enabled: true\n  strict: true\n  include: [\"res/*.yaml\"]", files: [
            "res/tool.yaml": "resource: tool\nid: echo\n",
            "res/schema.yaml": "resource: schema\nid: s\ntype: string\n",
            "res/wf.yaml": "resource: workflow\nid: wf\ntasks: [{id: a, type: aggregate, outputs: {}}]\n",
            "wf.yaml": "id: wf\ntasks: [{id: a, type: aggregate, outputs: {}}]\n",
        ], extra: "tools: [{id: echo}]\nschemas: [{id: s, type: object}]\nworkflows: [{source: wf.yaml}]\n")
        let problems = ProjectLoader.validate(directory: project.directory).problems.map(\.description)
        let file = project.path("compozy.yaml")
        #expect(problems == [
            "\(project.path("res/schema.yaml")): id: duplicate schema id \"s\" (first in \(file): schemas[0])",
            "\(project.path("res/tool.yaml")): id: duplicate tool id \"echo\" (first in \(file): tools[0])",
            "\(project.path("res/wf.yaml")): id: duplicate workflow id \"wf\" (first in \(project.path("wf.yaml")))",
        ])
    }

    @Test func aListedWorkflowMatchedByAutoloadIsReadOnce() throws {
        let project = try Self.project(autoload: "  enabled: true\n  strict: true\n  include: [\"*.yaml\"]", files: [
            "wf.yaml": "id: wf\ntasks: [{id: a, type: aggregate, outputs: {}}]\n",
        ], extra: "workflows: [{source: ./wf.yaml}]\n")
        let (config, problems) = ProjectLoader.validate(directory: project.directory)
        #expect(problems.isEmpty, "\(problems)")
        #expect(config?.workflows.map(\.id) == ["wf"])
    }

    // MARK: resources used by id exactly as inline ones

    @Test func theCompozyLayoutFixtureLoadsAndRuns() async throws {
        let (config, problems) = ProjectLoader.validate(directory: Self.fixture)
        #expect(problems.isEmpty, "\(problems)")
        guard let config else { return }
        #expect(config.workflows.map(\.id) == ["test-workflow"])  // broken.test.yaml is excluded
        #expect(config.tools.map(\.id) == ["echo"])
        #expect(config.tools.first?.input?["required"] == ["name"])  // `input: greeting_input` linked
        #expect(config.workflows.first?.inputSchema?["properties"]?["name"] == ["type": "string"])
        #expect(config.workflows.first?.agents.first?["actions"]?.arrayValue?.first?["input"]?["type"] == "object")
        #expect(config.resources.resource(.memory, id: "conversation")?.value["type"] == "buffer")
        #expect(config.resources.all(.agent).map(\.id) == ["writer"])  // agents/drafts/ is excluded

        let copy = TemporaryDirectory.make("switchyard-autoload-fixture")
        try FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: copy)
        let engine = WorkflowEngine(project: try ProjectLoader.load(directory: copy), adapters: ["runtime": TestAdapter()],
                                    store: try SQLiteExecutionStore(path: copy + "/.switchyard/state.sqlite"))
        let result = try await engine.run(workflowID: "test-workflow", input: ["name": "Ada"])
        #expect(result.status == .success)
        #expect(result.output == ["said": "Ada"])
        await #expect(throws: EngineError.self) { try await engine.run(workflowID: "test-workflow", input: ["name": 3]) }
    }

    @Test func oneBrokenWorkflowFileDoesNotHideTheOthersProblems() throws {
        let project = try Self.project(autoload: "  enabled: true\n  strict: true\n  include: [\"flows/*.yaml\"]", files: [
            "flows/a.yaml": "resource: workflow\nid: a\ntasks:\n  - {id: x, type: aggregate, outputs: {}, on_success: {next: nowhere}}\n",
            "flows/b.yaml": "resource: workflow\nid: b\ntasks: [{id: y, tool: ghost}]\n",
            "flows/c.yaml": "resource: workflow\nid: c\ntasks: [\n",
            "flows/d.yaml": "resource: workflow\nid: d\ntasks: [{id: z, type: aggregate, outputs: {}}]\n",
        ])
        let (config, problems) = ProjectLoader.validate(directory: project.directory)
        #expect(Set(problems.map(\.file)) == [project.path("flows/a.yaml"), project.path("flows/b.yaml"), project.path("flows/c.yaml")])
        #expect(problems.contains { $0.path == "tasks[0].on_success.next" && $0.reason == "unknown task id \"nowhere\"" })
        #expect(problems.contains { $0.path == "tasks[0].tool" && $0.reason.contains("unknown tool \"ghost\"") })
        #expect(problems.contains { $0.file == project.path("flows/c.yaml") && $0.reason.hasPrefix("not valid YAML") })
        #expect(config?.workflows.map(\.id).sorted() == ["a", "b", "d"])
    }

    @Test func malformedResourcesAreReportedInTheirOwnFile() throws {
        let project = try Self.project(autoload: "  enabled: true\n  include: [\"res/*.yaml\"]", files: [
            "res/agent.yaml": "resource: agent\nid: w\ninstructons: typo\nactions: [{id: a, promt: x}]\n",
            "res/task.yaml": "resource: task\nid: t\ntype: router\n",
            "res/tool.yaml": "resource: tool\nid: t2\ntimeout: forever\n",
        ])
        let problems = ProjectLoader.validate(directory: project.directory).problems.map(\.description)
        #expect(problems == [
            "\(project.path("res/agent.yaml")): instructons: unknown key in an agent (did you mean \"instructions\"?)",
            "\(project.path("res/agent.yaml")): actions[0].promt: unknown key in an agent action (did you mean \"prompt\"?)",
            "\(project.path("res/task.yaml")): condition: is required for a router",
            "\(project.path("res/task.yaml")): routes: is required for a router",
            "\(project.path("res/tool.yaml")): timeout: bad duration \"forever\": expected a Go duration like \"30s\", \"1m30s\" or \"500ms\"",
        ])
    }
}
