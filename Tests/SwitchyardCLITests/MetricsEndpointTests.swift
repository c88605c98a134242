import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardJSON
import SwitchyardTestSupport
import Testing

/// `GET /metrics` of a real `switchyard serve`: executions through a real pooled Bun adapter,
/// then the Prometheus text scraped over loopback HTTP, parsed, and held against what ran.
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(3)))
struct MetricsEndpointTests {
    static let key = "metrics-test-key"

    /// A project whose runtime is Bun in pooled mode with two workers: `good` calls a tool that
    /// answers, `bad` one that throws.
    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-metrics")
        let files = [
            "compozy.yaml": """
                name: metrics
                runtime: {type: bun, entrypoint: tools.js, mode: pooled, workers: 2}
                tools:
                  - id: greet
                  - id: explode
                workflows:
                  - source: good.yaml
                  - source: bad.yaml
                """,
            "good.yaml": "id: good\ntasks:\n  - id: hello\n    tool: greet\n    with: {name: \"{{ .workflow.input.name }}\"}\n",
            "bad.yaml": "id: bad\ntasks:\n  - id: boom\n    tool: explode\n",
            "tools.js": """
                export default {
                  greet: (input) => ({ hello: input.name }),
                  explode: () => { throw new Error("boom"); },
                };
                """,
        ]
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        return directory
    }

    @Test func scrapedCountersHistogramsAndGaugesMatchWhatRan() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project(), apiKey: Self.key)
        defer { _ = server.stop() }
        var execIDs: [String] = []
        for (workflow, input) in [("good", "ada"), ("good", "grace"), ("bad", "x")] {
            let (status, envelope) = try await server.request(
                .POST, "/api/v0/workflows/\(workflow)/executions/sync", body: ["input": ["name": .string(input)]])
            #expect(status == 200, "\(envelope)")
            execIDs.append(envelope["data"]?["exec_id"]?.stringValue ?? "?")
            #expect(envelope["data"]?["workflow"]?["status"]?.stringValue == (workflow == "good" ? "SUCCESS" : "FAILED"))
        }

        // Without the key: 401, like every route but /health.
        #expect(try await Self.scrape(port: server.port, key: nil).status == 401)
        let (status, contentType, text) = try await Self.scrape(port: server.port, key: Self.key)
        #expect(status == 200)
        #expect(contentType.hasPrefix("text/plain; version=0.0.4"), "\(contentType)")
        let samples = try ExpositionText.parse(text)

        #expect(samples.value("switchyard_executions_total", ["workflow": "good", "status": "SUCCESS"]) == 2)
        #expect(samples.value("switchyard_executions_total", ["workflow": "bad", "status": "FAILED"]) == 1)
        #expect(samples.value("switchyard_executions_running", ["workflow": "good"]) == 0)
        #expect(samples.value("switchyard_task_duration_seconds_count",
                              ["workflow": "good", "type": "basic", "status": "SUCCESS"]) == 2)
        #expect(samples.value("switchyard_task_duration_seconds_count",
                              ["workflow": "bad", "type": "basic", "status": "FAILED"]) == 1)
        #expect(samples.value("switchyard_tool_call_duration_seconds_count", ["adapter": "runtime", "status": "ok"]) == 2)
        #expect(samples.value("switchyard_tool_call_duration_seconds_count",
                              ["adapter": "runtime", "status": "tool_error"]) == 1)
        #expect(samples.value("switchyard_tool_call_duration_seconds_bucket",
                              ["adapter": "runtime", "status": "ok", "le": "+Inf"]) == 2)
        #expect(samples.value("switchyard_tool_calls_in_flight", ["adapter": "runtime"]) == 0)
        // Each execution: its row inserted and finished (2 workflow writes) and its task checkpointed.
        #expect(samples.sum("switchyard_store_write_duration_seconds_count", ["store": "sqlite", "operation": "workflow"]) >= 6)
        #expect(samples.sum("switchyard_store_write_duration_seconds_count", ["store": "sqlite", "operation": "tasks"]) >= 3)

        // API latency by route pattern: the three sync calls under one route, the refused scrape under /metrics.
        let syncRoute = "/api/v0/workflows/{id}/executions/sync"
        #expect(samples.sum("switchyard_api_request_duration_seconds_count", ["route": syncRoute, "method": "POST"]) == 3)
        #expect(samples.value("switchyard_api_request_duration_seconds_count",
                              ["route": "/metrics", "method": "GET", "status": "401"]) == 1)
        let routes = Set(samples.all.compactMap { $0.labels["route"] })
        #expect(!routes.contains { $0.contains("good") || $0.contains("bad") }, "raw paths leaked: \(routes)")
        // No execution id anywhere in a label: the label sets stay bounded.
        #expect(!samples.all.contains { sample in sample.labels.values.contains { value in execIDs.contains(value) } })

        // The Bun pool, read through the adapter's ABI 1.1 stats hook at scrape time.
        #expect(samples.value("switchyard_adapter_pool_workers", ["adapter": "runtime"]) == 2)
        #expect(samples.value("switchyard_adapter_pool_recycles_total", ["adapter": "runtime"]) == 0)
        #expect((samples.value("switchyard_adapter_pool_workers_started_total", ["adapter": "runtime"]) ?? 0) >= 2)
        #expect(server.stop() == 0)
    }

    @Test func metricsWithoutKeyLeavesOnlyMetricsOpen() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project(), apiKey: Self.key,
                                          arguments: ["--metrics-without-key"])
        defer { _ = server.stop() }
        let (status, _, text) = try await Self.scrape(port: server.port, key: nil)
        #expect(status == 200)
        let samples = try ExpositionText.parse(text)
        #expect(samples.value("switchyard_adapter_pool_workers", ["adapter": "runtime"]) == 2)
        #expect(try await server.request(.GET, "/api/v0/executions/workflows", key: .some(nil)).status == 401)
        #expect(server.stop() == 0)
    }

    /// `GET /metrics`: status, content type, body text.
    static func scrape(port: Int, key: String?) async throws -> (status: Int, contentType: String, text: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), response.headers.first(name: "Content-Type") ?? "",
                String(buffer: body))
    }
}

/// The Prometheus text exposition format (0.0.4), parsed: `name{label="value",…} number` lines;
/// `#` lines are comments or TYPE/HELP metadata.
struct ExpositionText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    var all: [Sample] = []

    /// The value of the one sample named `name` whose labels are exactly `labels`.
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        all.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The sum over the samples named `name` whose labels include `labels`.
    func sum(_ name: String, _ labels: [String: String]) -> Double {
        all.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
            .reduce(0) { $0 + $1.value }
    }

    static func parse(_ text: String) throws -> ExpositionText {
        var parsed = ExpositionText()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.allSatisfy(\.isWhitespace) {
            parsed.all.append(try sample(Array(line.utf8), line: String(line)))
        }
        return parsed
    }

    private static func sample(_ bytes: [UInt8], line: String) throws -> Sample {
        var index = 0
        func fail(_ why: String) -> ParseError { ParseError(description: "\(why) at byte \(index) of: \(line)") }
        func isNameByte(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || (byte >= 0x30 && byte <= 0x39)
                || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
        }
        func name() -> String {
            let start = index
            while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        let metric = name()
        guard !metric.isEmpty else { throw fail("no metric name") }
        var labels: [String: String] = [:]
        if index < bytes.count, bytes[index] == UInt8(ascii: "{") {
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "}") {
                let label = name()
                guard !label.isEmpty, index + 1 < bytes.count, bytes[index] == UInt8(ascii: "="),
                      bytes[index + 1] == UInt8(ascii: "\"") else { throw fail("bad label") }
                index += 2
                var value: [UInt8] = []
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                        index += 1
                        value.append(bytes[index] == UInt8(ascii: "n") ? 0x0A : bytes[index])
                    } else {
                        value.append(bytes[index])
                    }
                    index += 1
                }
                guard index < bytes.count else { throw fail("unterminated label value") }
                index += 1
                labels[label] = String(decoding: value, as: UTF8.self)
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1 }
            }
            guard index < bytes.count else { throw fail("unterminated label set") }
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: " ") else { throw fail("no space before the value") }
        let fields = String(decoding: bytes[(index + 1)...], as: UTF8.self).split(separator: " ")
        guard let first = fields.first else { throw fail("no value") }
        let value: Double? = switch first {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(first)
        }
        guard let value else { throw fail("bad value \"\(first)\"") }
        return Sample(name: metric, labels: labels, value: value)
    }
}
