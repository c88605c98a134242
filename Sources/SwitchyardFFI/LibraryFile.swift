#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Crypto

/// An open descriptor of a library file: what the load policy checks and hashes, and what
/// `dlopen` then loads through `/proc/self/fd/N`, so the file cannot be swapped between the
/// check and the load.
///
/// Once a library is loaded through it the descriptor stays open for the life of the process:
/// the dynamic loader remembers `/proc/self/fd/N` as one of the library's names, so a later
/// `dlopen` of the same name, were `N` reused for another file, would return this library.
struct LibraryFile: Sendable {
    /// The real path the descriptor was opened from.
    let path: String
    let descriptor: Int32

    /// Opens `path` (a real path) for reading; a symlink in its place now is refused.
    init(opening path: String, for library: String) throws(FFIError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw FFIError(.libraryNotFound, "cannot open library \"\(library)\" (real path \"\(path)\"): \(reason)")
        }
        self.path = path
        self.descriptor = descriptor
    }

    /// The name `dlopen` loads this very file by.
    var loadName: String { "/proc/self/fd/\(descriptor)" }

    /// `fstat` of the descriptor.
    func status() throws(FFIError) -> stat {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            throw FFIError(.libraryNotFound, "cannot inspect library \"\(path)\": \(reason)")
        }
        return status
    }

    /// The SHA-256 of the file's bytes, read through the descriptor from offset 0, in lower-case hex.
    func sha256() throws(FFIError) -> String {
        var hasher = SHA256()
        var offset: off_t = 0
        let chunkSize = 1 << 16
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = pread(descriptor, buffer.baseAddress, chunkSize, offset)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw FFIError(.libraryNotFound, "cannot read library \"\(path)\" to hash it: \(reason)")
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            offset += off_t(count)
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Closes the descriptor (only when nothing was loaded through it).
    func close() { closeDescriptor(descriptor) }
}

/// `close(2)`, out of reach of the member of the same name.
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }
