#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import Synchronization
import SwitchyardJSON

/// Counts the connections a server holds; one beyond `limit` is refused at accept.
final class ConnectionGate: Sendable {
    let limit: Int
    private let open = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a slot, or answers false when all `limit` are taken.
    func admit() -> Bool {
        open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Gives a slot back when its connection closed.
    func release() { open.withLock { $0 -= 1 } }

    /// Connections admitted and not closed yet.
    var count: Int { open.withLock { $0 } }
}

/// On a connection beyond the cap: answers `503` (the envelope, `Retry-After`, `Connection:
/// close`) as soon as the connection is active, reads nothing, and closes. It sits first in the
/// pipeline, so its bytes go straight to the socket.
final class OverCapacityRefusal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let response: ByteBuffer

    init(limit: Int, retryAfterSeconds: Int) {
        let error = APIError(.serviceUnavailable, "TOO_MANY_CONNECTIONS",
                             "this server holds \(limit) connections at once (--max-connections); retry later",
                             kind: "too_many_connections")
        response = Self.rawResponse(APIResponse.envelope(of: error).jsonBytes, status: "503 Service Unavailable",
                                    extraHeaders: ["Retry-After: \(retryAfterSeconds)"])
    }

    func channelActive(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(response)).whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    /// An HTTP/1.1 response written by hand, for answers given before any HTTP handler runs.
    static func rawResponse(_ body: [UInt8], status: String, extraHeaders: [String]) -> ByteBuffer {
        let head = (["HTTP/1.1 \(status)", "Content-Type: application/json", "Content-Length: \(body.count)",
                     "Connection: close"] + extraHeaders).joined(separator: "\r\n") + "\r\n\r\n"
        var buffer = ByteBuffer(string: head)
        buffer.writeBytes(body)
        return buffer
    }
}

@available(*, unavailable)
extension OverCapacityRefusal: Sendable {}

/// Keeps the server accepting through descriptor exhaustion. When `accept` fails with EMFILE or
/// ENFILE (or ENOBUFS, ENOMEM), NIO keeps the listening socket registered and epoll reports it
/// readable again at once: without this the event loop spins on failing accepts. This handler
/// stops reading from the listening socket for `pause` and then resumes, so pending connections
/// wait in the backlog and are accepted once descriptors are free again.
final class AcceptPauseHandler: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    private let pause: TimeAmount
    private let logger: Logger
    private var paused = false
    private var failedAccepts = 0

    init(pause: TimeAmount, logger: Logger) {
        self.pause = pause
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if failedAccepts > 0 {
            logger.warning("accepting connections again after \(failedAccepts) failed accepts")
            failedAccepts = 0
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? IOError, Self.isExhaustion(error.errnoCode) else {
            context.fireErrorCaught(error)
            return
        }
        if failedAccepts == 0 {
            logger.warning("cannot accept a connection: \(error); pausing accepts for \(pause.nanoseconds / 1_000_000) ms at a time")
        }
        failedAccepts += 1
        guard !paused else { return }
        paused = true
        let channel = context.channel
        channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.assumeIsolated().scheduleTask(in: pause) {
            loopBound.value.paused = false
            channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
    }

    /// Errors of a full descriptor table or of memory: they pass once something is freed.
    static func isExhaustion(_ code: Int32) -> Bool {
        [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(code)
    }
}

@available(*, unavailable)
extension AcceptPauseHandler: Sendable {}
