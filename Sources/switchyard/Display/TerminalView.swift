import Foundation
import Synchronization

/// The redrawn block at the bottom of the terminal: it remembers how many lines it drew, so the
/// next frame moves the cursor up that many lines, clears to the end of the screen and draws
/// again. Lines that must stay (finished tasks, errors) are printed above the block, in the same
/// write, so the screen never shows half a frame.
final class TerminalView: Sendable {
    private let output = Mutex((drawn: 0, fd: STDERR_FILENO))

    /// Sends the view's writes to `fd` (the terminal, while stderr itself is captured).
    func use(fd: Int32) {
        output.withLock { $0.fd = fd }
    }

    /// Replaces the block with `view`, first printing `committed` above it.
    func draw(committed: [String], view: [String]) {
        output.withLock { output in
            var frame = Self.erase(output.drawn)
            for line in committed + view { frame += line + "\n" }
            output.drawn = view.count
            Self.writeAll(frame, to: output.fd)
        }
    }

    /// Removes the block and prints `lines` where it was; the next `draw` puts the block below them.
    func commit(_ lines: [String]) {
        output.withLock { output in
            var frame = Self.erase(output.drawn)
            for line in lines { frame += line + "\n" }
            output.drawn = 0
            if !frame.isEmpty { Self.writeAll(frame, to: output.fd) }
        }
    }

    /// Cursor to the start of the block (up `lines` lines), then clear to the end of the screen.
    private static func erase(_ lines: Int) -> String {
        lines > 0 ? "\r\u{1B}[\(lines)A\u{1B}[J" : ""
    }

    /// Writes `lines` to stderr, one per line, in one piece.
    static func write(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        writeAll(lines.map { $0 + "\n" }.joined(), to: STDERR_FILENO)
    }

    /// The terminal's width in columns (80 when it does not say).
    static var columns: Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    private static func writeAll(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
            }
        }
    }
}
