import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardTestSupport

/// Inputs that used to crash or exhaust the host (issue #15 item 5) fail with an error naming
/// the file, the path and the limit, or run, without stack or memory growth.
@Suite(.timeLimit(.minutes(5)))
struct EngineLimitTests {
    /// `count` aggregate tasks, each leading to the next.
    static func sequentialWorkflow(_ count: Int) -> String {
        var lines = ["id: wf", "tasks:"]
        for index in 0..<count {
            lines.append("  - {id: t\(index), type: aggregate, outputs: {v: \(index)}"
                + (index + 1 < count ? ", on_success: {next: t\(index + 1)}}" : "}"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(.slow, .tags(.slow)) func fortyThousandSequentialTasksValidateOnASmallStack() throws {
        let project = try TestProject(Self.sequentialWorkflow(40_000) + "  - {id: loop, type: aggregate, on_success: {next: loop}}\n")
        let directory = project.directory
        // The cycle walk used to recurse once per task and crashed near 40,000 (less in debug).
        let problems = onSmallStack { ProjectLoader.validate(directory: directory).problems.map(\.description) }
        #expect(problems.contains { $0.contains("cycle in next/routes: loop -> loop") }, "\(problems)")
    }

    @Test func aLongChainRunsEveryTask() async throws {
        let project = try TestProject(Self.sequentialWorkflow(2_000))
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.json["output"]?.objectValue?.count == 2_000)
        #expect(result.json["output"]?["t1999"]?["output"]?["v"] == .int(1_999))
    }

    @Test func aYAMLAliasBombIsRefusedBeforeItIsBuilt() throws {
        var lines = ["id: wf", #"a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",") + "]")
        }
        lines.append("tasks: [{id: t, type: aggregate}]")
        let project = try TestProject(lines.joined(separator: "\n") + "\n")
        let directory = project.directory
        let before = peakResidentBytes()
        let problems = ProjectLoader.validate(directory: directory).problems.map(\.description)
        #expect(peakResidentBytes() - before < 256 << 20)
        let problem = try #require(problems.first)
        #expect(problem.contains("wf.yaml"))
        #expect(problem.contains("a6[0][4][8][3][1][7]"))
        #expect(problem.contains("the YAML expands to more than 1000000 values (the limit)"))
    }

    @Test func aHugeRepeatFailsTheTaskNamingThePathAndTheLimit() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: big
                type: aggregate
                outputs:
                  text: '{{ repeat 1000000000 "x" }}'
            """)
        let before = peakResidentBytes()
        let result = try await project.run()
        #expect(peakResidentBytes() - before < 256 << 20)
        #expect(result.status == .failed)
        let message = result.json["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("task \"big\""), "\(message)")
        #expect(message.contains("the repeated text (1000000000 bytes) exceeds the limit of 16777216 bytes (16 MiB)"))
    }

    @Test func deepTemplatesAndConditionsAreValidationErrors() throws {
        let parens = String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000)
        let project = try TestProject("""
            id: wf
            tasks:
              - id: a
                type: aggregate
                condition: '\(parens) == 1'
                outputs: {v: '{{ \(parens) }}'}
            """)
        let directory = project.directory
        let problems = onSmallStack { ProjectLoader.validate(directory: directory).problems.map(\.description) }
        #expect(problems.contains { $0.contains("tasks[0].outputs.v") && $0.contains("nesting deeper than 100 levels") })
        #expect(problems.contains { $0.contains("tasks[0].condition") && $0.contains("nesting deeper than 100 levels") })
    }
}
