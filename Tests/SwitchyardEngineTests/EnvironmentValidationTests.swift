import Foundation
import Testing
import SwitchyardEngine
import SwitchyardTestSupport

/// Issue #15 item 4: `validate` (and every load) refuses variables that change how the dynamic
/// loader, Bun, Node or Deno load code in every place an `env:` can be declared, names that can
/// never be environment variables, and bad tool ids, each naming the file, the field and the name.
@Suite(.timeLimit(.minutes(1)))
struct EnvironmentValidationTests {
    /// A project declaring a loader variable in each of its own `env` places, plus one workflow
    /// declaring one in each of the workflow's (nested tasks and collection templates included).
    static let project = """
        name: hostile
        env: {LD_PRELOAD: /tmp/evil.so, PLAIN: ok}
        runtime:
          type: bun
          entrypoint: ./tools.ts
          env: {BUN_OPTIONS: --preload x.js}
          inherit_env: [PATH, NODE_OPTIONS]
        tools:
          - id: fine
          - id: audited
            env: {LD_AUDIT: /tmp/audit.so, lower_case_is_fine: "1"}
        workflows:
          - source: wf.yaml
        """

    static let workflow = """
        id: wf
        config:
          env: {NODE_OPTIONS: --require x.js}
        tools:
          - id: deno_tool
            env: {DENO_DIR: /tmp/deno, DENO_V8_FLAGS: --x}
        tasks:
          - id: top
            tool: fine
            env: {BUN_CONFIG_REGISTRY: "http://x", SAFE: "{{ .workflow.input.x }}"}
          - id: group
            type: parallel
            tasks:
              - id: inner
                tool: fine
                env: {DYLD_INSERT_LIBRARIES: /tmp/x.dylib}
          - id: each
            type: collection
            items: [1, 2]
            task:
              tool: fine
              env: {NODE_PATH: /tmp/modules}
        """

    @Test func loaderVariablesAreRefusedInEveryEnvPlaceNamingFileFieldAndVariable() throws {
        let project = try TestProject(workflows: ["wf.yaml": Self.workflow], project: Self.project)
        let (_, problems) = ProjectLoader.validate(directory: project.directory)
        let lines = problems.map(\.description)
        func has(_ file: String, _ path: String, _ fragment: String) -> Bool {
            lines.contains { $0.hasPrefix("\(project.path(file)): \(path): ") && $0.contains(fragment) }
        }
        #expect(has("compozy.yaml", "env.LD_PRELOAD", "LD_PRELOAD may not be set for tools: it changes how the dynamic loader loads code"))
        #expect(has("compozy.yaml", "runtime.env.BUN_OPTIONS", "BUN_OPTIONS may not be set for tools: it changes how Bun loads code"))
        #expect(has("compozy.yaml", "runtime.inherit_env[1]", "NODE_OPTIONS may not be set for tools: it changes how Node loads code"))
        #expect(has("compozy.yaml", "tools[1].env.LD_AUDIT", "changes how the dynamic loader loads code"))
        #expect(has("wf.yaml", "config.env.NODE_OPTIONS", "changes how Node loads code"))
        #expect(has("wf.yaml", "tools[0].env.DENO_DIR", "changes how Deno loads code"))
        #expect(has("wf.yaml", "tools[0].env.DENO_V8_FLAGS", "changes how Deno loads code"))
        #expect(has("wf.yaml", "tasks[0].env.BUN_CONFIG_REGISTRY", "changes how Bun loads code"))
        #expect(has("wf.yaml", "tasks[1].tasks[0].env.DYLD_INSERT_LIBRARIES", "changes how the dynamic loader loads code"))
        #expect(has("wf.yaml", "tasks[2].task.env.NODE_PATH", "changes how Node loads code"))
        #expect(problems.count == 10, "only the loader variables are refused: \(lines)")
        let error = try #require(expectError { () throws(ConfigError) in _ = try ProjectLoader.load(directory: project.directory) })
        #expect(error.reason.contains("may not be set for tools"))
    }

    @Test func namesThatCannotBeEnvironmentVariablesAreRefused() throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            tasks:
              - id: a
                tool: echo
                env: {"": empty, "A=B": equals, "NUL\\0NAME": nul, VALUE: "cut\\0short", LDX: ok, NODE: ok}
            """])
        let (_, problems) = ProjectLoader.validate(directory: project.directory)
        let file = project.path("wf.yaml")
        let lines = problems.map(\.description)
        #expect(lines.contains("\(file): tasks[0].env.: an environment variable name must not be empty"))
        #expect(lines.contains("\(file): tasks[0].env.A=B: \"A=B\" is not an environment variable name (it contains \"=\")"))
        #expect(lines.contains { $0.hasPrefix("\(file): tasks[0].env.NUL") && $0.hasSuffix("\"NUL\\0NAME\" is not an environment variable name (it contains NUL)") })
        #expect(lines.contains("\(file): tasks[0].env.VALUE: the value of VALUE contains NUL"))
        #expect(problems.count == 4, "LDX and NODE are not loader variables: \(lines)")
    }

    @Test func badToolIDsAreRefusedNamingFileAndField() throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            tools:
              - id: "has space"
              - id: nested/ok-1.2_x
            tasks:
              - {id: a, tool: nested/ok-1.2_x}
            """], project: """
            name: ids
            tools:
              - id: ../escape
              - id: /absolute
              - id: ""
              - description: no id at all
            workflows:
              - source: wf.yaml
            """)
        let (_, problems) = ProjectLoader.validate(directory: project.directory)
        let lines = problems.map(\.description)
        let projectFile = project.path("compozy.yaml")
        #expect(lines.contains("\(projectFile): tools[0].id: tool id \"../escape\" must not contain \"..\""))
        #expect(lines.contains("\(projectFile): tools[1].id: tool id \"/absolute\" must not be absolute"))
        #expect(lines.contains("\(projectFile): tools[2].id: must not be empty"))
        #expect(!lines.contains { $0.contains("duplicate tool id") }, "a missing id is reported once, not as a duplicate")
        #expect(lines.contains("\(projectFile): tools[3].id: is required"))
        #expect(lines.contains("\(project.path("wf.yaml")): tools[0].id: tool id \"has space\" may contain only A-Z a-z 0-9 _ / . -"))
        #expect(problems.count == 5, "\(lines)")
    }

    /// The projects shipped with the repository declare nothing the new checks refuse.
    @Test func shippedProjectsStillValidate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for project in ["examples/research-digest", "examples/embedding-host/project", "Tests/SwitchyardCLITests/Fixtures/resume"] {
            let directory = root.appendingPathComponent(project).path
            let (config, problems) = ProjectLoader.validate(directory: directory)
            #expect(config != nil && problems.isEmpty, "\(project): \(problems)")
        }
    }
}
