#if canImport(Glibc)
import Glibc
#endif
import CIsolationSupport
import Synchronization

/// The helper's stdout, read by whoever waits for it: the I/O thread, or a caller whose call
/// the helper is about to answer.
///
/// A call answered within tens of microseconds costs two thread wake-ups less when its caller
/// reads the answer itself: its task never suspends (no pool thread to wake), and the I/O thread
/// is not woken either — it waits on an epoll set holding only this pipe, and the caller
/// switches the pipe's interest off in that set while it reads (changing an epoll set does not
/// wake its waiter; switching the interest back on does, if bytes are left). Both read under
/// one lock, so one reader at a time parses the stream, in order.
final class HelperOutputReader: @unchecked Sendable {
    /// What a read pass found.
    enum Outcome {
        /// The pipe holds nothing more for now.
        case drained
        /// The pipe closed or broke, or a frame broke the protocol: nobody reads any more.
        case ended
    }

    /// The read end of the helper's stdout (non-blocking).
    private let descriptor: Int32
    /// An epoll set holding only `descriptor`: readable when the pipe is and a caller is not
    /// reading it. The I/O thread polls this instead of the pipe.
    let readiness: Int32
    private let capacity = 64 * 1024
    /// Only touched under `state`'s lock.
    private let buffer: UnsafeMutableRawBufferPointer
    private let state: Mutex<State>

    private struct State {
        var parser: HelperFrameParser
        var ended = false
        var closed = false
    }

    /// Takes over `descriptor` (closed by ``closeDescriptors()``) and makes its epoll set.
    /// - Returns: `nil` when the epoll set cannot be made (out of descriptors); `errno` tells why.
    init?(descriptor: Int32, maxPayloadBytes: Int) {
        let readiness = sy_isolation_epoll_watch_readable(descriptor)
        guard readiness >= 0 else { return nil }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        self.descriptor = descriptor
        self.readiness = readiness
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        state = Mutex(State(parser: HelperFrameParser(maxPayloadBytes: maxPayloadBytes)))
    }

    deinit {
        buffer.deallocate()
    }

    /// Reads what the pipe holds now and routes each complete frame (the I/O thread's pass,
    /// once `readiness` polled readable). A caller reading at the moment makes this wait for it.
    func drain(route: (HelperFrame) -> Void, violation: (any Error) -> Void) -> Outcome {
        state.withLock { state in pass(&state, route: route, violation: violation) }
    }

    /// Reads and routes frames until `done()` or `budget` passed, unless another thread is
    /// reading (then it returns at once). The I/O thread is not woken for what this reads.
    func readWhileWaiting(budget: Duration, until done: () -> Bool, route: (HelperFrame) -> Void,
                          violation: (any Error) -> Void) {
        _ = state.withLockIfAvailable { state in
            guard !state.ended else { return }
            _ = sy_isolation_epoll_set_reading(readiness, descriptor, 0)
            defer { _ = sy_isolation_epoll_set_reading(readiness, descriptor, 1) }
            let clock = ContinuousClock()
            let deadline = clock.now + budget
            while pass(&state, route: route, violation: violation) == .drained, !done(), clock.now < deadline {
                // The helper may be waiting for this very CPU (2 cores, a loaded machine):
                // spinning through the time slice would delay the answer it waits for (measured:
                // without the yield, whole runs fell into a mode 8x slower than with it).
                sched_yield()
            }
        }
    }

    /// Closes both descriptors once; nobody reads afterwards.
    func closeDescriptors() {
        state.withLock { state in
            state.ended = true
            guard !state.closed else { return }
            state.closed = true
            Glibc.close(descriptor)
            Glibc.close(readiness)
        }
    }

    /// Marks the stream ended: later passes read nothing (the I/O loop stopped).
    func end() {
        state.withLock { $0.ended = true }
    }

    private func pass(_ state: inout State, route: (HelperFrame) -> Void, violation: (any Error) -> Void) -> Outcome {
        guard !state.ended else { return .ended }
        while true {
            let count = read(descriptor, buffer.baseAddress, capacity)
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return .drained }
            }
            guard count > 0 else {
                state.ended = true
                return .ended
            }
            state.parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            do {
                while let frame = try state.parser.next() { route(frame) }
            } catch {
                state.ended = true
                violation(error)
                return .ended
            }
            if count < capacity { return .drained }
        }
    }
}
