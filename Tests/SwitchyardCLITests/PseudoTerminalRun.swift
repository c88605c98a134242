import Foundation
import Synchronization

/// Runs the `switchyard` binary with its stderr on the slave side of a real pseudo-terminal
/// (posix_openpt), as a person's terminal would be, and collects what the terminal shows.
final class PseudoTerminalRun: Sendable {
    let process: Process
    private let master: Int32
    private let screen = ScreenBytes()
    private let stdoutPipe = Pipe()
    private let readerDone = DispatchSemaphore(value: 0)

    init(_ arguments: [String], environment extra: [String: String] = [:]) throws {
        let master = PTY.openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, PTY.grantpt(master) == 0, PTY.unlockpt(master) == 0, let name = PTY.ptsname(master) else {
            throw POSIXError(.ENOTTY)
        }
        var size = winsize(ws_row: 40, ws_col: 160, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENOTTY) }
        self.master = master
        process = Process()
        process.executableURL = URL(fileURLWithPath: EngineCommandTests.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra.merging(["TERM": "xterm"]) { $1 }) { $1 }
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        try process.run()
        close(slave)
        let (screen, done) = (self.screen, readerDone)
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            // EIO once the child (and every process holding the slave) is gone.
            while case let count = read(master, &buffer, buffer.count), count > 0 {
                screen.bytes.withLock { $0 += buffer[0..<count] }
            }
            done.signal()
        }
    }

    /// What the terminal received so far, without ANSI control sequences and carriage returns.
    var text: String { Self.stripped(screen.bytes.withLock { $0 }) }

    /// Waits (at most `seconds`, as a bound, not a measurement) until the screen shows `condition`.
    func waitFor(seconds: Double = 60, _ condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition(text) { return true }
            usleep(20_000)
        }
        return condition(text)
    }

    /// Waits for the exit; returns the exit status, stdout, and the whole screen text.
    func finish() -> (status: Int32, stdout: String, screen: String) {
        let stdout = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        readerDone.wait()
        close(master)
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), text)
    }

    /// `bytes` as text, with `ESC [ ... letter` sequences and `\r` removed.
    static func stripped(_ bytes: [UInt8]) -> String {
        var kept: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x1B, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "[") {
                index += 2
                while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                index += 1
                continue
            }
            if bytes[index] != 0x0D { kept.append(bytes[index]) }
            index += 1
        }
        return String(decoding: kept, as: UTF8.self)
    }
}

/// The bytes the terminal received, shared with the reader thread.
private final class ScreenBytes: Sendable {
    let bytes = Mutex<[UInt8]>([])
}

/// glibc's pseudo-terminal functions, looked up at run time: Swift's Glibc module does not
/// import them (they need `_XOPEN_SOURCE`).
private enum PTY {
    private static func symbol<T>(_ name: String, as type: T.Type) -> T {
        unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)!, to: type)
    }
    static let openpt = symbol("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grantpt = symbol("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlockpt = symbol("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    static let ptsname = symbol("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
}
