/// Reads a fuzz input as a sequence of small structured choices followed by payload bytes.
///
/// Running out of bytes is not an error: every read past the end yields zeros or an empty slice,
/// so every input, however short, describes some test case.
public struct FuzzInput {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    /// Reads `bytes` from the start.
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Whether every byte was read.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// The next byte, or 0 past the end.
    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// The next `count` bytes, fewer at the end.
    public mutating func take(_ count: Int) -> UnsafeRawBufferPointer {
        let end = min(bytes.count, offset + count)
        defer { offset = end }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
    }

    /// Every byte not read yet.
    public mutating func rest() -> UnsafeRawBufferPointer { take(bytes.count - offset) }

    /// The input split at `separator` bytes: `[a, b]` for `a 0 b` when the separator is 0.
    public static func parts(of bytes: UnsafeRawBufferPointer, separatedBy separator: UInt8) -> [UnsafeRawBufferPointer] {
        var parts: [UnsafeRawBufferPointer] = []
        var start = 0
        for index in 0..<bytes.count where bytes[index] == separator {
            parts.append(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            start = index + 1
        }
        parts.append(UnsafeRawBufferPointer(rebasing: bytes[start..<bytes.count]))
        return parts
    }
}
