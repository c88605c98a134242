import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Traces of the real `switchyard run` and `serve`, exported over OTLP/HTTP (JSON) to a receiver
/// the test starts: one trace per execution, execution → task → tool-call spans linked by span
/// id, an API caller's `traceparent` kept, and the Bun tool seeing `TRACEPARENT` of its call.
@Suite(.timeLimit(.minutes(2)))
struct TracingCommandTests {
    static let projectFile = """
        name: traced
        workflows:
          - source: wf.yaml
        runtime:
          type: bun
          entrypoint: tools.js
        tools:
          - id: probe
            description: Answers the trace context it was called with.
        """

    static let tools = """
        export default {
          probe: () => ({ traceparent: process.env.TRACEPARENT ?? null }),
        };
        """

    /// A top-level tool task, then a parallel task whose child calls the tool: nesting.
    static let workflow = """
        id: wf
        tasks:
          - id: first
            tool: probe
            on_success: {next: fanout}
          - id: fanout
            type: parallel
            tasks:
              - id: inner
                tool: probe
        """

    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-tracing")
        try Self.projectFile.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try Self.workflow.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        try Self.tools.write(toFile: directory + "/tools.js", atomically: true, encoding: .utf8)
        return directory
    }

    /// The test process's environment without OTEL_* (the runner's own must not leak in), plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OTEL_") }.merging(extra) { $1 }
    }

    static func exporting(to receiver: OTLPReceiver) -> [String: String] {
        ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": receiver.tracesEndpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
         "OTEL_SERVICE_NAME": "switchyard-test", "OTEL_BSP_SCHEDULE_DELAY": "50"]
    }

    static func run(_ arguments: [String], environment: [String: String]) throws -> EngineCommandTests.Output {
        try EngineCommandTests.run(arguments, environment: environment)
    }

    /// The span named `name`, exactly one.
    static func only(_ name: String, in spans: [OTLPReceiver.ReceivedSpan],
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> OTLPReceiver.ReceivedSpan {
        let matching = spans.filter { $0.name == name }
        #expect(matching.count == 1, "spans named \(name): \(spans)", sourceLocation: sourceLocation)
        return try #require(matching.first, sourceLocation: sourceLocation)
    }

    /// Checks the execution's span tree under `execution` and the traceparent each tool saw.
    static func checkTree(_ spans: [OTLPReceiver.ReceivedSpan], execution: OTLPReceiver.ReceivedSpan,
                          output: JSONValue?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let trace = spans.filter { $0.traceID == execution.traceID }
        let first = try only("task first", in: trace)
        let fanout = try only("task fanout", in: trace)
        let inner = try only("task inner", in: trace)
        let tools = trace.filter { $0.name == "execute_tool probe" }
        #expect(tools.count == 2, "tool spans: \(trace)", sourceLocation: sourceLocation)
        #expect(first.parentSpanID == execution.spanID, sourceLocation: sourceLocation)
        #expect(fanout.parentSpanID == execution.spanID, sourceLocation: sourceLocation)
        // Nested: the parallel task's child is under the parallel task, not the execution.
        #expect(inner.parentSpanID == fanout.spanID, sourceLocation: sourceLocation)
        let firstTool = try #require(tools.first { $0.parentSpanID == first.spanID }, "\(trace)")
        let innerTool = try #require(tools.first { $0.parentSpanID == inner.spanID }, "\(trace)")
        #expect(firstTool.attributes["switchyard.tool_id"] == "probe", sourceLocation: sourceLocation)
        #expect(firstTool.attributes["switchyard.adapter"] == "runtime", sourceLocation: sourceLocation)
        #expect(firstTool.attributes["switchyard.tool.status"] == "success", sourceLocation: sourceLocation)
        #expect(first.attributes["switchyard.task_id"] == "first", sourceLocation: sourceLocation)
        #expect(execution.attributes["switchyard.workflow_id"] == "wf", sourceLocation: sourceLocation)
        #expect(execution.attributes["switchyard.status"] == "SUCCESS", sourceLocation: sourceLocation)
        #expect(execution.serviceName == "switchyard-test", sourceLocation: sourceLocation)
        // What the Bun tool read from process.env: the trace id and its own tool-call span.
        guard let output else { return }
        #expect(output["first"]?["output"]?["traceparent"]?.stringValue
                == "00-\(execution.traceID)-\(firstTool.spanID)-01", "output: \(output)", sourceLocation: sourceLocation)
        #expect(output["fanout"]?["output"]?["outputs"]?["inner"]?["traceparent"]?.stringValue
                == "00-\(execution.traceID)-\(innerTool.spanID)-01", "output: \(output)", sourceLocation: sourceLocation)
    }

    /// Both tracers `switchyard` can bootstrap, in both OTLP/HTTP encodings (the protobuf one
    /// decoded by opentelemetry-proto's own messages).
    @Test(arguments: [("switchyard", "http/json"), ("switchyard", "http/protobuf"),
                      ("swift-otel", "http/json"), ("swift-otel", "http/protobuf")])
    func runExportsOneTraceOfExecutionTaskAndToolSpans(tracer: String, wireProtocol: String) throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let variables = Self.exporting(to: receiver).merging(
            ["SWITCHYARD_TRACER": tracer, "OTEL_EXPORTER_OTLP_PROTOCOL": wireProtocol]) { $1 }
        let result = try Self.run(["run", "wf", "--project", try Self.project(), "--json"],
                                  environment: Self.environment(variables))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let contentType = wireProtocol == "http/json" ? "application/json" : "application/x-protobuf"
        #expect(receiver.requests.allSatisfy { $0.headers["content-type"] == contentType })
        // `run` flushes before it exits: everything is here already.
        let spans = try receiver.spans()
        #expect(Set(spans.map(\.traceID)).count == 1, "\(spans)")
        #expect(Set(receiver.requests.map(\.path)) == ["/v1/traces"])
        let execution = try Self.only("workflow wf", in: spans)
        #expect(execution.parentSpanID.isEmpty)
        #expect(spans.count == 6, "\(spans)")
        try Self.checkTree(spans, execution: execution, output: try JSONValue(parsing: result.stdout)["output"])
    }

    @Test func withoutOTelVariablesNothingIsTracedAndToolsSeeNoTraceparent() throws {
        let result = try Self.run(["run", "wf", "--project", try Self.project(), "--json"], environment: Self.environment([:]))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let output = try JSONValue(parsing: result.stdout)["output"]
        #expect(output?["first"]?["output"]?["traceparent"] == .null)
    }

    @Test func anOTLPProtocolThisBuildLacksIsAUsageError() throws {
        let result = try Self.run(["run", "wf", "--project", try Self.project()],
                                  environment: Self.environment(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
                                                                 "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"]))
        #expect(result.status == 2)
        #expect(result.stderr.contains("OTEL_EXPORTER_OTLP_PROTOCOL"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("grpc"))
    }

    @Test func anUnknownTracerOrOneThatCannotHonourAVariableIsAUsageError() throws {
        let endpoint = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"]
        let unknown = try Self.run(["run", "wf", "--project", try Self.project()],
                                   environment: Self.environment(endpoint.merging(["SWITCHYARD_TRACER": "jaeger"]) { $1 }))
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("SWITCHYARD_TRACER"), "stderr: \(unknown.stderr)")
        #expect(unknown.stderr.contains("jaeger"))
        let conflicting = try Self.run(["run", "wf", "--project", try Self.project()], environment: Self.environment(
            endpoint.merging(["SWITCHYARD_TRACER": "switchyard", "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"]) { $1 }))
        #expect(conflicting.status == 2)
        #expect(conflicting.stderr.contains("OTEL_EXPORTER_OTLP_COMPRESSION"), "stderr: \(conflicting.stderr)")
    }

    @Test func serveMakesTheExecutionSpanAChildOfTheCallersTraceparent() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let server = try APIServerHarness(projectDirectory: try Self.project(),
                                          environment: Self.environment(Self.exporting(to: receiver)))
        let syncTrace = "4bf92f3577b34da6a3ce929d0e0e4736", syncParent = "00f067aa0ba902b7"
        let (status, envelope) = try await Self.post(
            server, "/api/v0/workflows/wf/executions/sync", traceparent: "00-\(syncTrace)-\(syncParent)-01")
        #expect(status == 200, "\(envelope)")
        let syncOutput = envelope["data"]?["output"]

        // An asynchronous start: the context must reach the execution's own task.
        let asyncTrace = "0af7651916cd43dd8448eb211c80319c", asyncParent = "b7ad6b7169203331"
        let (asyncStatus, started) = try await Self.post(
            server, "/api/v0/workflows/wf/executions", traceparent: "00-\(asyncTrace)-\(asyncParent)-01")
        #expect(asyncStatus == 202, "\(started)")
        let execID = try #require(started["data"]?["exec_id"]?.stringValue)
        let finished = try await server.waitForExecution(execID) { $0["status"]?.stringValue == "SUCCESS" }
        #expect(finished["status"] == "SUCCESS")

        // Stopping the server flushes what it has not exported yet.
        #expect(server.stop() == 0, "stderr: \(server.stderrText)")
        let spans = try receiver.spans()
        let executions = spans.filter { $0.name == "workflow wf" }
        #expect(executions.count == 2, "\(spans)")
        let syncExecution = try #require(executions.first { $0.traceID == syncTrace }, "\(spans)")
        #expect(syncExecution.parentSpanID == syncParent)
        try Self.checkTree(spans, execution: syncExecution, output: syncOutput)
        let asyncExecution = try #require(executions.first { $0.traceID == asyncTrace }, "\(spans)")
        #expect(asyncExecution.parentSpanID == asyncParent)
        try Self.checkTree(spans, execution: asyncExecution, output: finished["output"])
    }

    /// An agent task whose model is an OpenAI-compatible server on loopback (the receiver also
    /// answers chat completions): its model call is a client span under the task, with the
    /// usage the response reported, and the provider request carries that span's traceparent.
    @Test func aModelCallIsASpanUnderItsTaskAndSendsItsTraceparent() throws {
        let completion = """
            {"id": "c1", "object": "chat.completion", "model": "test-model-0601",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "done"}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14}}
            """
        let receiver = try OTLPReceiver { $0.path.hasSuffix("/chat/completions") ? completion : "{}" }
        defer { receiver.stop() }
        let directory = TemporaryDirectory.make("switchyard-tracing-agent")
        try """
            name: traced-agent
            workflows:
              - source: wf.yaml
            models:
              - id: remote
                provider: openai
                model: test-model
                api_url: http://127.0.0.1:\(receiver.port)/v1
                api_key: sk-test
                default: true
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try """
            id: wf
            agents:
              - id: helper
                instructions: Be brief.
                actions:
                  - id: answer
                    prompt: Say done.
            tasks:
              - id: ask
                agent: helper
                action: answer
            """.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        let result = try Self.run(["run", "wf", "--project", directory, "--json"],
                                  environment: Self.environment(Self.exporting(to: receiver)))
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        let spans = try receiver.requests.filter { $0.path == "/v1/traces" }.map(\.body).flatMap(OTLPReceiver.decode)
        let task = try Self.only("task ask", in: spans)
        let chat = try Self.only("chat test-model", in: spans)
        #expect(chat.parentSpanID == task.spanID)
        #expect(chat.traceID == task.traceID)
        #expect(chat.attributes["gen_ai.provider.name"] == "openai")
        #expect(chat.attributes["gen_ai.request.model"] == "test-model")
        #expect(chat.attributes["gen_ai.response.model"] == "test-model-0601")
        #expect(chat.attributes["gen_ai.usage.input_tokens"] == "11")
        #expect(chat.attributes["gen_ai.usage.output_tokens"] == "3")
        // The provider request names the chat span, or AsyncHTTPClient's own HTTP span under it.
        let chatRequest = try #require(receiver.requests.first { $0.path == "/v1/chat/completions" })
        let traceparent = try #require(chatRequest.headers["traceparent"]).split(separator: "-").map(String.init)
        try #require(traceparent.count == 4, "\(traceparent)")
        #expect(traceparent[1] == chat.traceID)
        let named = try #require(spans.first { $0.spanID == traceparent[2] }, "\(traceparent) not in \(spans)")
        #expect(named.spanID == chat.spanID || named.parentSpanID == chat.spanID, "\(named) under \(chat)?")
    }

    static func post(_ server: APIServerHarness, _ path: String,
                     traceparent: String) async throws -> (status: Int, envelope: JSONValue) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(path)")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"input": {}}"#))
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "traceparent", value: traceparent)
        request.headers.add(name: "tracestate", value: "vendor=opaque")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), try JSONValue(parsing: bytes.readableBytesView))
    }
}
