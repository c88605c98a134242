import AsyncHTTPClient
import Logging
import NIOCore
import Synchronization

/// The batch span processor and OTLP/HTTP exporter of `BatchedTracer`: ended spans are appended
/// to a locked buffer (the only per-span work on the caller's thread), and one background task
/// sends them: full batches of `maxExportBatchSize` as soon as they are full, what is left of a
/// batch only every `scheduleDelay`, on `forceFlush()` and when it stops. (Sending the partial
/// remainder after every full batch turned one run's ~3,000 spans into ~26 requests of ~80
/// spans instead of ~6 of 512, and each request costs the exporter and the collector more than
/// its spans do.) Beyond `maxQueueSize` waiting spans are dropped and counted (a warning says how
/// many), as the OpenTelemetry batch processor does.
final class SpanExportQueue: Sendable {
    private struct Buffer {
        var spans: [FinishedSpan] = []
        var dropped = 0
        var closed = false
        /// A timer tick or `forceFlush()` asked for everything queued, partial batch included.
        var flushAll = false
    }

    private let settings: OTLPTraceSettings
    private let buffer = Mutex(Buffer())
    /// Wake-ups of the export task; many coalesce into one.
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let client: HTTPClient
    private let logger: Logger
    private let encoder: OTLPTraceEncoder

    init(settings: OTLPTraceSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        (wakes, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        var configuration = HTTPClient.Configuration.singletonConfiguration
        // The exporter's own requests must not make spans (each would be exported in turn).
        configuration.tracing.tracer = nil
        client = HTTPClient(eventLoopGroup: .singletonMultiThreadedEventLoopGroup, configuration: configuration)
        encoder = OTLPTraceEncoder(resourceAttributes: settings.resourceAttributes)
    }

    /// Queues an ended span; wakes the export task when a full batch waits.
    func submit(_ span: FinishedSpan) {
        let batchFull: Bool = buffer.withLock { buffer in
            guard !buffer.closed, buffer.spans.count < settings.maxQueueSize else {
                buffer.dropped += 1
                return false
            }
            buffer.spans.append(span)
            return buffer.spans.count % settings.maxExportBatchSize == 0
        }
        if batchFull { wake.yield() }
    }

    /// Sends everything queued now, the partial batch included.
    func flush() {
        buffer.withLock { $0.flushAll = true }
        wake.yield()
    }

    /// Sends batches until `close()`, then what is left; shuts the HTTP client down last.
    func run() async {
        let delay = settings.scheduleDelay
        let ticker = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: delay)
                flush()
            }
        }
        for await _ in wakes { await sendQueued() }
        ticker.cancel()
        await sendQueued()
        try? await client.shutdown()
    }

    /// Stops taking spans; `run()` sends what is queued and returns.
    func close() {
        buffer.withLock { $0.closed = true }
        wake.finish()
    }

    private func sendQueued() async {
        while true {
            let (batch, dropped) = buffer.withLock { buffer in
                defer { buffer.dropped = 0 }
                let size = settings.maxExportBatchSize
                guard buffer.spans.count >= size || buffer.flushAll || buffer.closed else { return ([FinishedSpan](), buffer.dropped) }
                let batch = Array(buffer.spans.prefix(size))
                buffer.spans.removeFirst(batch.count)
                if buffer.spans.isEmpty { buffer.flushAll = false }
                return (batch, buffer.dropped)
            }
            if dropped > 0 {
                logger.warning("Spans were dropped: the export queue was full",
                               metadata: ["dropped_count": "\(dropped)", "queue_size": "\(settings.maxQueueSize)"])
            }
            guard !batch.isEmpty else { return }
            await send(batch)
        }
    }

    private func send(_ batch: [FinishedSpan]) async {
        var request = HTTPClientRequest(url: settings.endpoint)
        request.method = .POST
        for (name, value) in settings.headers { request.headers.add(name: name, value: value) }
        switch settings.wireProtocol {
        case .protobuf:
            request.body = .bytes(ByteBuffer(bytes: encoder.protobuf(batch)))
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/x-protobuf")
        case .json:
            request.body = .bytes(ByteBuffer(bytes: encoder.json(batch)))
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        }
        request.headers.replaceOrAdd(name: "User-Agent", value: "switchyard-otlp-exporter")
        let limit = min(settings.requestTimeout, settings.exportTimeout)
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(limit.nanoseconds)))
            // Drained so the connection stays open for the next batch.
            _ = try? await response.body.collect(upTo: 1 << 20)
            guard (200..<300).contains(response.status.code) else {
                logger.warning("Failed to export spans", metadata: [
                    "status": "\(response.status.code)", "batch_size": "\(batch.count)", "endpoint": "\(settings.endpoint)"])
                return
            }
        } catch {
            logger.warning("Failed to export spans", metadata: [
                "error": "\(error)", "batch_size": "\(batch.count)", "endpoint": "\(settings.endpoint)"])
        }
    }
}

extension Duration {
    var nanoseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}
