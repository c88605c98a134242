import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 connection with the server's limits: a connection beyond the cap is
/// answered `503` and closed at accept, and every admitted one gets the read and idle deadlines
/// of ``RequestDeadlineHandler``.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let limits: ServerLimits
    let gate: ConnectionGate

    /// The server builder `Application` takes.
    static func builder(limits: ServerLimits, gate: ConnectionGate) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(http1: HTTP1Channel(responder: responder), limits: limits, gate: gate)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = gate.admit()
        if admitted {
            let gate = self.gate
            channel.closeFuture.whenComplete { _ in gate.release() }
        }
        let limits = self.limits, cap = gate.limit
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            if admitted {
                let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
                try pipeline.addHandler(RequestDeadlineHandler(limits: limits), position: .after(decoder))
            } else {
                try pipeline.addHandler(OverCapacityRefusal(limit: cap, retryAfterSeconds: limits.retryAfterSeconds),
                                        position: .first)
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
