import NIOCore
import NIOHTTP1

/// Closes a connection whose client is too slow or idle too long: a new connection must send a
/// complete request head within `headerTimeout`, a body must be complete within `bodyTimeout` of
/// its head, and a keep-alive connection must send its next complete head within `idleTimeout`
/// of the last response. While the server is answering, no deadline runs (the routes bound their
/// own waits, e.g. the sync `timeout`).
///
/// It sits right after NIO's HTTP/1 decoder, so it sees request heads and ends as they are parsed
/// and response ends as they are written.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let limits: ServerLimits
    /// Requests whose head was read and whose response has not ended yet.
    private var unanswered = 0
    /// Between a request's head and its end.
    private var readingBody = false
    private var deadline: Scheduled<Void>?

    init(limits: ServerLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(limits.headerTimeout, context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(limits.headerTimeout, context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingBody = true
            arm(limits.bodyTimeout, context)
        case .body:
            break
        case .end:
            readingBody = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            // Answered before the body was read (a 401, a 413): the body deadline keeps running.
            if unanswered == 0, !readingBody { arm(limits.idleTimeout, context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ timeout: Duration, _ context: ChannelHandlerContext) {
        disarm()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}
