import Foundation
import Testing
import Tracing
@testable import SwitchyardTelemetry

/// When `BatchedTracer`'s exporter sends, and that lengths of every size survive its protobuf
/// writer (checked by opentelemetry-proto's own messages through `OTLPReceiver`).
@Suite(.timeLimit(.minutes(1)))
struct BatchedTracerExportTests {
    /// Full batches go at once; the partial rest waits for the schedule or a flush. (The exporter
    /// used to send the rest right behind every full batch: a run's spans in many small requests.)
    @Test func aPartialBatchWaitsForTheScheduleOrAFlush() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let (tracer, session) = BatchedTracerTests.tracer(receiver, .protobuf, configure: {
            $0.maxExportBatchSize = 4
            $0.scheduleDelay = .seconds(600)
        })
        for index in 0..<10 { tracer.startAnySpan("span \(index)", context: .topLevel).end() }
        try await Self.waitFor { receiver.requests.count >= 2 }
        // What a send right behind the full batches would have had time for.
        try await Task.sleep(for: .milliseconds(300))
        let early = receiver.requests
        #expect(early.count == 2, "requests before the flush: \(early.count)")
        #expect(try early.allSatisfy { try OTLPReceiver.decode(try OTLPReceiver.protobufAsJSON($0.body)).count == 4 })

        tracer.forceFlush()
        try await Self.waitFor { receiver.requests.count >= 3 }
        let names = Set(try receiver.spans().map(\.name))
        #expect(names == Set((0..<10).map { "span \($0)" }))
        await session.shutdown()
        #expect(receiver.requests.count == 3)
    }

    /// Names and attribute values across the one-, two- and three-byte length boundaries (127,
    /// 128, 16,383, 16,384 bytes), in spans whose own length crosses them too.
    @Test(arguments: [0, 1, 100, 127, 128, 300, 16_383, 16_384, 70_000])
    func lengthsOfEverySizeDecode(length: Int) async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let (tracer, session) = BatchedTracerTests.tracer(receiver, .protobuf)
        let text = String(repeating: "é", count: length / 2) + String(repeating: "x", count: length % 2)
        let span = tracer.startAnySpan("n" + text, context: .topLevel)
        span.updateAttributes { attributes in
            attributes["value"] = text
            attributes["short"] = "s"
            attributes["count"] = 7
        }
        span.end()
        await session.shutdown()

        let received = try #require(try receiver.spans().first)
        #expect(received.name == "n" + text)
        #expect(received.attributes["value"] == text)
        #expect(received.attributes["short"] == "s")
        #expect(received.attributes["count"] == "7")
    }

    static func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        try #require(condition())
    }
}
