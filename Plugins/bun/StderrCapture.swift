import SwitchyardABI

/// A process's stderr: split into lines for the host log and kept, bounded, for error details.
///
/// Keeps the LAST `limit` bytes (the tail explains a crash better than the head). Owned by the
/// process's I/O thread while it runs, read by the finisher after that thread ended.
struct StderrCapture {
    private let limit: Int
    private var ring: [UInt8] = []
    private var start = 0
    private(set) var droppedBytes = 0
    private var line: [UInt8] = []
    private static let maxLogLine = 16 * 1024

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
                line.withUnsafeBytes(log)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(contentsOf: rest)
            }
        }
    }

    /// Sends a last unterminated line to the log.
    mutating func finish(log: (UnsafeRawBufferPointer) -> Void) {
        if !line.isEmpty { line.withUnsafeBytes(log) }
        line = []
    }

    private mutating func flushLine(_ piece: UnsafeRawBufferPointer, log: (UnsafeRawBufferPointer) -> Void) {
        if line.isEmpty {
            log(UnsafeRawBufferPointer(rebasing: piece.prefix(Self.maxLogLine)))
        } else {
            line.append(contentsOf: piece.prefix(max(0, Self.maxLogLine - line.count)))
            line.withUnsafeBytes(log)
            line.removeAll(keepingCapacity: true)
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
