#if canImport(Glibc)
import Glibc
#endif

/// Linux calls the Glibc module does not export (they sit behind `_GNU_SOURCE`), looked up once
/// with dlsym. `pipe2(O_CLOEXEC)` matters: a pipe created without it, even for an instant, can
/// leak into a worker spawned concurrently and keep another worker's stdout open forever.
enum SystemCalls {
    /// `F_SETPIPE_SZ` (Linux, behind `_GNU_SOURCE`).
    static let setPipeSize: Int32 = 1031
    /// The stdout pipe capacity asked for: 1 MiB, the unprivileged maximum by default
    /// (/proc/sys/fs/pipe-max-size).
    static let largePipeCapacity: Int32 = 1 << 20

    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    private static let pipe2Function: Pipe2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: Pipe2.self)
    }()

    /// A pipe whose both ends are close-on-exec (and non-blocking when asked).
    static func pipe(nonBlocking: Bool = false) -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [-1, -1]
        let flags = O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)
        let status: Int32 = ends.withUnsafeMutableBufferPointer { buffer in
            if let pipe2Function { return pipe2Function(buffer.baseAddress!, flags) }
            // No pipe2 symbol: fall back to pipe + fcntl (a short window without CLOEXEC).
            guard Glibc.pipe(buffer.baseAddress!) == 0 else { return -1 }
            for fd in [buffer[0], buffer[1]] {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                if nonBlocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            }
            return 0
        }
        return status == 0 ? (ends[0], ends[1]) : nil
    }
}
