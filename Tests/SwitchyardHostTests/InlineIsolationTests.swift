import Testing
import SwitchyardAdapterHost
@testable import SwitchyardHost

/// `isolation: inline` on an `adapters:` entry: the library loads in process with `start_call`
/// on the calling thread; the default entry hands it to a hook thread.
@Suite(.timeLimit(.minutes(1)))
struct InlineIsolationTests {
    @Test func anInlineEntryLoadsWithInlineStartsAndRuns() async throws {
        let inlineProject = HostTestProject.projectFile.replacingOccurrences(
            of: "library: textkit\n", with: "library: textkit\n    isolation: inline\n")
        #expect(inlineProject.contains("isolation: inline"))
        for (projectFile, inline) in [(inlineProject, true), (HostTestProject.projectFile, false)] {
            try await HostTestProject.withDirectory { directory in
                try HostTestProject.write(to: directory, projectFile: projectFile)
                let host = try await ProjectHost.open(directory: directory, options: HostTestProject.options())
                let adapter = try host.adapters.adapter("textkit") as? LibraryAdapter
                #expect(adapter?.options.startsCallsInline == inline)
                let result = try await host.run(workflowID: "measure", input: ["text": "inline or not"])
                #expect(result.output == ["words": 3, "loud": "INLINE OR NOT"])
                await host.shutdown()
            }
        }
    }
}
