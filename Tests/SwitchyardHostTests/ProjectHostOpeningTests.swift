import Foundation
import Testing
import SwitchyardHost

/// How a host opens: from a directory or a configuration built in code, with which store, and
/// what each failure names.
@Suite(.timeLimit(.minutes(1)))
struct ProjectHostOpeningTests {
    @Test func aMissingProjectNamesTheDirectory() async throws {
        try await HostTestProject.withDirectory { parent in
            let directory = parent + "/absent"
            do {
                _ = try await ProjectHost.open(directory: directory, options: HostTestProject.options())
                Issue.record("a missing project opened")
            } catch let error as HostError {
                #expect(error.code == .projectConfig)
                #expect(error.message.contains(directory))
                #expect(error.description.hasPrefix("error: \(directory)"))
            }
        }
    }

    @Test func aMissingAdapterLibraryFailsAnEagerOpenNamingIt() async throws {
        try await HostTestProject.withDirectory { directory in
            try HostTestProject.write(to: directory, projectFile: HostTestProject.projectFile
                .replacingOccurrences(of: "library: textkit", with: "library: nothing_here"))
            do {
                _ = try await ProjectHost.open(directory: directory, options: HostTestProject.options())
                Issue.record("a missing library loaded")
            } catch let error as HostError {
                #expect(error.code == .adapterLoad)
                #expect(error.toolError?.kind == .load)
                #expect(error.message.contains("libnothing_here.so"))
                #expect(error.message.contains(HostTestProject.buildDirectory))
            }
            // Loaded on first use, the same failure is the failure of the call that needs it.
            let host = try await ProjectHost.open(directory: directory, options: HostTestProject.options(.onFirstUse))
            await #expect { try await host.callTool("upper") } throws: { ($0 as? HostError)?.code == .adapterLoad }
            await host.shutdown()
        }
    }

    @Test func runsAProjectBuiltInCodeOnAChosenSQLiteFile() async throws {
        try await HostTestProject.withDirectory { directory in
            var count = TaskConfig(id: "count")
            count.tool = "word_count"
            count.with = ["text": "{{ .workflow.input.text }}"]
            count.isFinal = true
            let workflow = WorkflowConfig(id: "count-words", tasks: [count],
                                          outputs: ["words": "{{ .tasks.count.output.words }}"])
            let project = ProjectConfig(
                name: "in-code", directory: directory,
                tools: [ToolConfig(id: "word_count", adapter: "textkit")],
                adapters: [AdapterConfig(id: "textkit", library: "textkit")],
                workflows: [workflow])
            var options = HostTestProject.options()
            let storePath = directory + "/elsewhere/runs.sqlite"
            options.store = .sqlite(path: storePath)
            let host = try await ProjectHost.open(project: project, options: options)
            let result = try await host.run(workflowID: "count-words", input: ["text": "a b c d"])
            let recorded = try await host.executionStore().workflow(execID: result.execID)
            await host.shutdown()
            #expect(result.status == .success)
            #expect(result.output == ["words": 4])
            #expect(recorded?.status == .success)
            #expect(FileManager.default.fileExists(atPath: storePath))
            #expect(!FileManager.default.fileExists(atPath: directory + "/.switchyard"))
        }
    }

    @Test func anUnopenableStoreFailsAnEagerOpenNamingTheFile() async throws {
        try await HostTestProject.withDirectory { directory in
            try HostTestProject.write(to: directory)
            // A directory where the store file should be: SQLite cannot open it.
            let storePath = directory + "/taken"
            try FileManager.default.createDirectory(atPath: storePath, withIntermediateDirectories: true)
            var options = HostTestProject.options()
            options.store = .sqlite(path: storePath)
            do {
                _ = try await ProjectHost.open(directory: directory, options: options)
                Issue.record("a directory opened as a store")
            } catch let error as HostError {
                #expect(error.code == .store)
                #expect(error.message.contains(storePath))
            }
        }
    }

    @Test func validateReportsEveryProblemWithoutLoading() async throws {
        try await HostTestProject.withDirectory { directory in
            try HostTestProject.write(to: directory)
            #expect(ProjectHost.validate(directory: directory).isValid)
            try "id: measure\ntasks: []\n".write(toFile: directory + "/measure.yaml", atomically: true, encoding: .utf8)
            let validation = ProjectHost.validate(directory: directory)
            #expect(!validation.isValid)
            #expect(validation.problems.allSatisfy { $0.file.hasSuffix("measure.yaml") })
        }
    }
}
