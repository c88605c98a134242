/// A process's stderr: split into lines for the log and kept, bounded, for error details.
///
/// Keeps the LAST `limit` bytes of the lines (the tail explains a crash better than the head).
/// Each complete line (cut at ``maxLogLine`` bytes) goes to the `line` callback with the call it
/// names: a pooled call thread starts each line of its `console.*` output with the call mark
/// `\u{1E}<wireID>\u{1F}` (see `worker.mjs`), which is parsed and taken off here; a line
/// without a mark names no call. Who logs a line, and within which budget, is the caller's
/// business (`WorkerProcess+Stderr.swift`). Owned by the process's I/O thread while it runs,
/// read by the finisher after that thread ended.
struct StderrCapture {
    private let limit: Int
    private var ring: [UInt8] = []
    private var start = 0
    private(set) var droppedBytes = 0
    private var line: [UInt8] = []
    /// Bytes past this in one line are cut: the log and the tail see the line's first 16 KiB.
    static let maxLogLine = 16 * 1024
    private var cutBytes = 0
    private static let newline: [UInt8] = [UInt8(ascii: "\n")]

    /// The mark a pooled call thread puts before each of its lines: RS, the decimal wire id, US.
    static let markStart = UInt8(0x1E), markEnd = UInt8(0x1F)

    init(limit: Int) {
        self.limit = limit
        ring.reserveCapacity(min(limit, 64 * 1024))
    }

    /// Takes one chunk: hands complete lines to `line` (text without the mark, the wire id it
    /// named), keeps them in the tail.
    mutating func append(_ chunk: UnsafeRawBufferPointer, line handle: (UnsafeRawBufferPointer, UInt64?) -> Void) {
        var lineStart = 0
        for (index, byte) in chunk.enumerated() where byte == UInt8(ascii: "\n") {
            collect(UnsafeRawBufferPointer(rebasing: chunk[lineStart..<index]))
            complete(handle)
            lineStart = index + 1
        }
        if lineStart < chunk.count { collect(UnsafeRawBufferPointer(rebasing: chunk[lineStart...])) }
    }

    /// Hands a last unterminated line over.
    mutating func finish(line handle: (UnsafeRawBufferPointer, UInt64?) -> Void) {
        if !line.isEmpty || cutBytes > 0 { complete(handle) }
        line = []
    }

    private mutating func collect(_ piece: UnsafeRawBufferPointer) {
        let room = max(0, Self.maxLogLine - line.count)
        line.append(contentsOf: piece.prefix(room))
        cutBytes += max(0, piece.count - room)
    }

    private mutating func complete(_ handle: (UnsafeRawBufferPointer, UInt64?) -> Void) {
        // Moved out while it is read (`keep` mutates self); moved back to keep its capacity.
        var assembled: [UInt8] = []
        swap(&assembled, &line)
        assembled.withUnsafeBytes { bytes in
            let (text, wireID) = Self.unmark(bytes)
            keep(text)
            Self.newline.withUnsafeBytes { keep($0) }
            handle(text, wireID)
        }
        cutBytes = 0
        assembled.removeAll(keepingCapacity: true)
        line = assembled
    }

    /// `line` without its call mark, and the wire id the mark names (nil when it has none).
    static func unmark(_ line: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, UInt64?) {
        guard line.first == markStart else { return (line, nil) }
        var wireID: UInt64 = 0
        var index = 1
        while index < line.count, index <= 21, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
            let (times, overflow1) = wireID.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(line[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return (line, nil) }
            wireID = sum
            index += 1
        }
        guard index > 1, index < line.count, line[index] == markEnd else { return (line, nil) }
        return (UnsafeRawBufferPointer(rebasing: line[(index + 1)...]), wireID)
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
