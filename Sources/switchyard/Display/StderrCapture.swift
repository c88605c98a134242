import Foundation
import Synchronization

/// While the live view is on screen, whatever else the process writes to stderr (log lines,
/// runtime warnings) goes through a pipe and comes back line by line, so the view can print it
/// above itself instead of having it land in the middle of a frame and break the redraw.
/// The view itself writes to `terminal`, a duplicate of the original stderr.
final class StderrCapture: Sendable {
    /// The original stderr (the terminal), for the view's own writes.
    let terminal: Int32
    private let readEnd: Int32
    private let stopPipe: (read: Int32, write: Int32)
    private let stopped = DispatchSemaphore(value: 0)
    private let active = Mutex(true)

    /// Redirects fd 2 into a pipe and starts a thread that hands each complete line to `onLine`.
    /// - Returns: nil when a pipe cannot be made (the view then writes to stderr directly).
    init?(onLine: @escaping @Sendable (String) -> Void) {
        var fds: [Int32] = [0, 0], stop: [Int32] = [0, 0]
        let original = dup(STDERR_FILENO)
        guard original >= 0 else { return nil }
        guard pipe(&fds) == 0 else { close(original); return nil }
        guard pipe(&stop) == 0 else { close(original); close(fds[0]); close(fds[1]); return nil }
        // No child process may inherit these (fd 2 itself is the pipe's write end, as stderr was).
        for fd in [original, fds[0], fds[1], stop[0], stop[1]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        terminal = original
        readEnd = fds[0]
        stopPipe = (stop[0], stop[1])
        dup2(fds[1], STDERR_FILENO)
        close(fds[1])
        let (readEnd, stopRead, stopped) = (fds[0], stop[0], self.stopped)
        Thread.detachNewThread {
            Self.pump(readEnd, until: stopRead, onLine: onLine)
            stopped.signal()
        }
    }

    /// Puts the original stderr back, hands over what was still in the pipe, and waits for the
    /// reader thread to end. Safe to call more than once.
    func stop() {
        guard active.withLock({ active in defer { active = false }; return active }) else { return }
        dup2(terminal, STDERR_FILENO)
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
        stopped.wait()
        for fd in [readEnd, stopPipe.read, stopPipe.write, terminal] { close(fd) }
    }

    /// Reads lines until `stop` is readable, then drains what is left without blocking.
    private static func pump(_ fd: Int32, until stop: Int32, onLine: (String) -> Void) {
        var partial: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        func take(_ count: Int) {
            partial += buffer[0..<count]
            while let newline = partial.firstIndex(of: 0x0A) {
                onLine(String(decoding: partial[..<newline], as: UTF8.self))
                partial.removeSubrange(...newline)
            }
        }
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { break }
            if fds[0].revents != 0 {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 { take(count); continue }
                if count == 0 { break }
            }
            if fds[1].revents != 0 { break }
        }
        // Stopped: what writers left in the pipe still belongs above the view.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        while case let count = read(fd, &buffer, buffer.count), count > 0 { take(count) }
        if !partial.isEmpty { onLine(String(decoding: partial, as: UTF8.self)) }
    }
}
