import SwitchyardABI

/// A process's stderr: split into lines for the host log and kept, bounded, for error details.
///
/// Keeps the LAST `limit` bytes (the tail explains a crash better than the head). The host log
/// gets the FIRST lines of each call, up to `logLineBudget` lines and `logByteBudget` bytes; the
/// rest is counted and reported in one line when the call ends (`endCall`), so a tool flooding
/// stderr cannot flood the host's log. Owned by the process's I/O thread while it runs, read by
/// the finisher after that thread ended.
struct StderrCapture {
    private let limit: Int
    private var ring: [UInt8] = []
    private var start = 0
    private(set) var droppedBytes = 0
    private var line: [UInt8] = []
    private static let maxLogLine = 16 * 1024
    /// Lines of one call's stderr that reach the host log.
    static let logLineBudget = 1_000
    /// Bytes of one call's stderr that reach the host log.
    static let logByteBudget = 256 * 1024
    private var logged = (lines: 0, bytes: 0)
    private var unlogged = (lines: 0, bytes: 0)

    init(limit: Int) {
        self.limit = limit
        ring.reserveCapacity(min(limit, 64 * 1024))
    }

    /// Takes one chunk: forwards complete lines to `log`, keeps the tail.
    mutating func append(_ chunk: UnsafeRawBufferPointer, log: (UnsafeRawBufferPointer) -> Void) {
        keep(chunk)
        var lineStart = 0
        for (index, byte) in chunk.enumerated() where byte == UInt8(ascii: "\n") {
            flushLine(UnsafeRawBufferPointer(rebasing: chunk[lineStart..<index]), log: log)
            lineStart = index + 1
        }
        if lineStart < chunk.count {
            let rest = UnsafeRawBufferPointer(rebasing: chunk[lineStart...])
            let room = Self.maxLogLine - line.count
            if rest.count > room {
                // An endless line still reaches the log, in pieces.
                line.append(contentsOf: rest.prefix(room))
                forwardLine(log: log)
            } else {
                line.append(contentsOf: rest)
            }
        }
    }

    /// Sends a last unterminated line to the log, then the drop notice if any.
    mutating func finish(log: (UnsafeRawBufferPointer) -> Void) {
        if !line.isEmpty { forwardLine(log: log) }
        line = []
        endCall(log: log)
    }

    /// A call ended: says how much of its stderr the log did not get, and renews the budget for
    /// the next call. (A pooled worker's calls share one stderr, so a call's budget is the
    /// stderr between two call ends; per_call, it is the process's.)
    mutating func endCall(log: (UnsafeRawBufferPointer) -> Void) {
        if unlogged.lines > 0 {
            var notice = "dropped \(unlogged.lines) lines (\(unlogged.bytes) bytes) of stderr: the log takes "
                + "\(Self.logLineBudget) lines (\(Self.logByteBudget) bytes) of a call's stderr"
            notice.withUTF8 { log(UnsafeRawBufferPointer($0)) }
        }
        logged = (0, 0)
        unlogged = (0, 0)
    }

    private mutating func flushLine(_ piece: UnsafeRawBufferPointer, log: (UnsafeRawBufferPointer) -> Void) {
        if line.isEmpty {
            forward(UnsafeRawBufferPointer(rebasing: piece.prefix(Self.maxLogLine)), log: log)
        } else {
            line.append(contentsOf: piece.prefix(max(0, Self.maxLogLine - line.count)))
            forwardLine(log: log)
        }
    }

    /// Logs the assembled `line` and empties it.
    private mutating func forwardLine(log: (UnsafeRawBufferPointer) -> Void) {
        // Moved out while it is read (`forward` mutates self); moved back to keep its capacity.
        var assembled: [UInt8] = []
        swap(&assembled, &line)
        assembled.withUnsafeBytes { forward($0, log: log) }
        assembled.removeAll(keepingCapacity: true)
        line = assembled
    }

    /// One line to the log, within the call's budget; once it is spent, the rest is counted.
    private mutating func forward(_ text: UnsafeRawBufferPointer, log: (UnsafeRawBufferPointer) -> Void) {
        if unlogged.lines == 0, logged.lines < Self.logLineBudget, logged.bytes + text.count <= Self.logByteBudget {
            logged.lines += 1
            logged.bytes += text.count
            log(text)
        } else {
            unlogged.lines += 1
            unlogged.bytes += text.count
        }
    }

    private mutating func keep(_ chunk: UnsafeRawBufferPointer) {
        guard limit > 0 else { droppedBytes += chunk.count; return }
        var bytes = chunk[...]
        if bytes.count >= limit {
            droppedBytes += ring.count + bytes.count - limit
            ring = Array(bytes.suffix(limit))
            start = 0
            return
        }
        if ring.count < limit {
            let room = limit - ring.count
            ring.append(contentsOf: bytes.prefix(room))
            bytes = bytes.dropFirst(room)
        }
        guard !bytes.isEmpty else { return }
        // The ring is full: overwrite the oldest bytes, in at most two copies.
        let incoming = UnsafeRawBufferPointer(rebasing: bytes)
        let first = min(incoming.count, limit - start)
        ring.withUnsafeMutableBytes { storage in
            storage.baseAddress!.advanced(by: start).copyMemory(from: incoming.baseAddress!, byteCount: first)
            if incoming.count > first {
                storage.baseAddress!.copyMemory(from: incoming.baseAddress!.advanced(by: first),
                                                byteCount: incoming.count - first)
            }
        }
        start = (start + incoming.count) % limit
        droppedBytes += incoming.count
    }

    /// The kept tail as text (invalid UTF-8 replaced), prefixed by how much was dropped.
    var tail: String {
        let ordered = Array(ring[start...] + ring[..<start])
        let text = String(decoding: ordered, as: UTF8.self)
        return droppedBytes > 0 ? "[\(droppedBytes) earlier bytes of stderr dropped]\n" + text : text
    }
}
