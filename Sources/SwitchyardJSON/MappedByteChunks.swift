#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a long string in progress, held in anonymous memory mappings of 1 MiB.
///
/// Why mappings: a freed `malloc` block stays in the process heap and keeps counting against
/// its resident memory, so copying heap segments into the final string would peak at twice the
/// string's size. Each mapping here is returned to the kernel (`munmap`) the moment its bytes
/// have been copied into the final string, so decoding an N-byte string peaks near N bytes.
///
/// Owned by one decoder; a decoder is never copied while a string is in progress.
final class MappedByteChunks: @unchecked Sendable {
    static let chunkSize = 1 << 20

    private var chunks: [UnsafeMutableRawPointer] = []
    private var usedInLastChunk = 0
    private(set) var byteCount = 0

    /// Appends bytes, mapping a new chunk whenever the last one is full.
    func append(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            if chunks.isEmpty || usedInLastChunk == Self.chunkSize {
                chunks.append(Self.mapChunk())
                usedInLastChunk = 0
            }
            let count = min(bytes.count - offset, Self.chunkSize - usedInLastChunk)
            (chunks[chunks.count - 1] + usedInLastChunk).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            usedInLastChunk += count
            offset += count
            byteCount += count
        }
    }

    /// Moves the bytes (already validated UTF-8) into a string of exactly their size,
    /// unmapping each chunk as soon as it is copied. The buffer is empty afterwards.
    func takeString() -> String {
        let total = byteCount
        let taken = chunks
        let lastUsed = usedInLastChunk
        chunks = []
        usedInLastChunk = 0
        byteCount = 0
        return String(unsafeUninitializedCapacity: total) { target in
            var offset = 0
            for (index, chunk) in taken.enumerated() {
                let count = index == taken.count - 1 ? lastUsed : Self.chunkSize
                UnsafeMutableRawPointer(target.baseAddress! + offset).copyMemory(from: chunk, byteCount: count)
                munmap(chunk, Self.chunkSize)
                offset += count
            }
            return total
        }
    }

    deinit {
        for chunk in chunks { munmap(chunk, Self.chunkSize) }
    }

    private static func mapChunk() -> UnsafeMutableRawPointer {
        let memory = mmap(nil, chunkSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let memory, memory != MAP_FAILED else { fatalError("out of memory mapping a string chunk") }
        return memory
    }
}
