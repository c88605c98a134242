import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// The tool calls an agent makes in its loop are traced like a task's: an `execute_tool` span
/// under the agent task's span (the offline `mock` model asks for the tool; textkit answers).
@Suite(.timeLimit(.minutes(2)))
struct TracingAgentToolTests {
    @Test func anAgentsToolCallIsASpanUnderItsTask() throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let directory = TemporaryDirectory.make("switchyard-tracing-agent-tool")
        try AgentTaskCommandTests.projectFile.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try AgentTaskCommandTests.workflow.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        let result = try TracingCommandTests.run(
            ["run", "wf", "--project", directory, "--input", #"{"text": "one two three"}"#, "--json"],
            environment: TracingCommandTests.environment(TracingCommandTests.exporting(to: receiver)))
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(try JSONValue(parsing: result.stdout)["output"]?["words"] == 3)

        let spans = try receiver.requests.filter { $0.path == "/v1/traces" }.map(\.body).flatMap(OTLPReceiver.decode)
        let task = try TracingCommandTests.only("task ask", in: spans)
        let call = try TracingCommandTests.only("execute_tool word_count", in: spans)
        #expect(call.parentSpanID == task.spanID && call.traceID == task.traceID)
        #expect(call.attributes["switchyard.tool_id"] == "word_count")
        #expect(call.attributes["switchyard.tool.status"] == "success")
    }
}
