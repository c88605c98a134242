#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The directories the dynamic loader searches for system libraries, which the `ffi` adapter
/// may load from besides the adapter directories: every directory `/etc/ld.so.conf` lists
/// (following its `include` lines, as `ldconfig` does), then the standard ones —
/// `/lib/TRIPLE`, `/usr/lib/TRIPLE`, `/lib`, `/usr/lib`, `/lib64`, `/usr/lib64`, where TRIPLE is
/// the multiarch triple (`x86_64-linux-gnu`, `aarch64-linux-gnu`).
///
/// `LD_LIBRARY_PATH` is deliberately not among them: it is the process environment's, not the
/// system's, and whoever sets it could otherwise choose the code a tool runs.
public enum SystemLibraryDirectories {
    /// The multiarch triple of this build's architecture.
    public static var multiarchTriple: String {
        #if arch(x86_64)
        "x86_64-linux-gnu"
        #elseif arch(arm64)
        "aarch64-linux-gnu"
        #elseif arch(riscv64)
        "riscv64-linux-gnu"
        #else
        "unknown-linux-gnu"
        #endif
    }

    /// The directories every Linux system searches, whatever its configuration says.
    public static var standard: [String] {
        ["/lib/\(multiarchTriple)", "/usr/lib/\(multiarchTriple)", "/lib", "/usr/lib", "/lib64", "/usr/lib64"]
    }

    /// The directories of `/etc/ld.so.conf` and then ``standard``, each once, read once per process.
    public static let all: [String] = directories(configuration: "/etc/ld.so.conf")

    /// The directories `configuration` (an `ld.so.conf`) lists, then ``standard``, each once.
    public static func directories(configuration: String) -> [String] {
        var seen = Set<String>()
        return (configured(in: configuration, depth: 0) + standard).filter { seen.insert($0).inserted }
    }

    /// Finds `fileName` (a bare name such as `libz.so.1`) in `directories`, in order, as the
    /// dynamic loader would; returns its path there (not yet resolved), or `nil`.
    public static func locate(_ fileName: String, in directories: [String]) -> String? {
        for directory in directories {
            let candidate = directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
            if access(candidate, F_OK) == 0 { return candidate }
        }
        return nil
    }

    /// One `ld.so.conf`'s directories: a directory per line (or several, split by whitespace,
    /// `:` or `,`), `#` comments, `include GLOB` (relative to the file's directory), `hwcap` ignored.
    private static func configured(in file: String, depth: Int) -> [String] {
        // ldconfig refuses include cycles; a depth bound is the same guard without bookkeeping.
        guard depth < 8, let text = readText(file) else { return [] }
        var directories: [String] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split { $0 == " " || $0 == "\t" || $0 == ":" || $0 == "," }.map(String.init)
            guard let first = words.first else { continue }
            switch first {
            case "include":
                let base = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? "."
                for pattern in words.dropFirst() {
                    let absolute = pattern.hasPrefix("/") ? pattern : base + "/" + pattern
                    for included in glob(absolute) { directories += configured(in: included, depth: depth + 1) }
                }
            case "hwcap":
                continue
            default:
                directories += words.filter { $0.hasPrefix("/") }
            }
        }
        return directories
    }

    private static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in
            matches.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }

    private static func readText(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 4096) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
