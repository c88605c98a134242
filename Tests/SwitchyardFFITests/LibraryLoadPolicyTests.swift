import Foundation
import SwitchyardFFI
import SwitchyardTestSupport
import Testing

/// The load policy's newer rules: the pinned SHA-256 on the loaded descriptor, every directory
/// above the library, and the system library directories.
@Suite("LibraryLoadPolicy: hashes, ancestors, system directories", .serialized, .timeLimit(.minutes(1)))
struct LibraryLoadPolicyTests {
    static let source = "long switchyard_policy_answer(long x) { return x * 2; }\n"

    /// A private directory `ROOT/lib` holding `libpolicy.so` (mode 0644), inside a fresh `ROOT`.
    func makeLibrary() throws -> (root: String, path: String) {
        let root = try makeTemporaryDirectory()
        let directory = root + "/lib"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        let path = try compileSharedLibrary(named: "policy", source: Self.source, in: directory)
        try setMode(path, 0o644)
        return (root, path)
    }

    /// SHA-256 by coreutils, independent of the implementation under test.
    func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    @Test("the hash of the file matches coreutils, and a matching pin loads")
    func matchingPinLoads() throws {
        let (_, path) = try makeLibrary()
        let hash = try sha256sum(path)
        let policy = LibraryLoadPolicy(expectedSHA256: hash)
        #expect(try policy.verify(path) == path)
        let library = try DynamicLibrary.open(path, policy: policy)
        #expect(library.path == path)
        _ = try library.symbol("switchyard_policy_answer")
        // The already loaded library is checked again, through the descriptor it was loaded from.
        let wrong = String(repeating: "0", count: 64)
        let again = expectError { () throws(FFIError) in
            _ = try DynamicLibrary.open(path, policy: LibraryLoadPolicy(expectedSHA256: wrong))
        }
        #expect(again?.code == .hashMismatch)
    }

    @Test("a mismatch is refused before loading, naming both hashes")
    func mismatchRefused() throws {
        let (_, path) = try makeLibrary()
        let actual = try sha256sum(path)
        let pinned = String(repeating: "ab", count: 32)
        let error = expectError { () throws(FFIError) in
            _ = try DynamicLibrary.open(path, policy: LibraryLoadPolicy(expectedSHA256: pinned))
        }
        #expect(error?.code == .hashMismatch)
        #expect(error?.message == "library \"\(path)\" has SHA-256 \(actual), but sha256 pins \(pinned); refusing to load it")
        // Nothing was loaded: the dynamic loader does not know the file.
        #expect(dlopen(path, RTLD_NOW | RTLD_NOLOAD) == nil)
    }

    @Test("what is loaded is the descriptor that was checked, and it stays open only once loaded")
    func loadsTheCheckedDescriptor() throws {
        let (_, path) = try makeLibrary()
        let before = openDescriptors(to: path)
        _ = try DynamicLibrary.open(path, policy: LibraryLoadPolicy())
        #expect(openDescriptors(to: path) == before + 1)
        _ = try DynamicLibrary.open(path, policy: LibraryLoadPolicy())
        #expect(openDescriptors(to: path) == before + 1)
        let refused = expectError { () throws(FFIError) in
            _ = try DynamicLibrary.open(path, policy: LibraryLoadPolicy(expectedSHA256: String(repeating: "1", count: 64)))
        }
        #expect(refused != nil)
        #expect(openDescriptors(to: path) == before + 1)
    }

    @Test("a directory above the library writable by others is refused, unless it has the sticky bit")
    func ancestorWritableByOthers() throws {
        let (root, path) = try makeLibrary()
        try setMode(root, 0o777)
        let error = expectError { () throws(FFIError) in _ = try LibraryLoadPolicy().verify(path) }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message == "the directory \"\(root)\" above library \"\(path)\" is writable by group or others "
            + "without the sticky bit (mode 777), so others could replace what lies below it; refusing to load it")
        try setMode(root, 0o1777)
        #expect(try LibraryLoadPolicy().verify(path) == path)
        try setMode(root, 0o770)
        let group = expectError { () throws(FFIError) in _ = try LibraryLoadPolicy().verify(path) }
        #expect(group?.message.contains("mode 770") == true)
        // The library's own directory may not be writable by others even with the sticky bit.
        try setMode(root, 0o700)
        try setMode(root + "/lib", 0o1777)
        let own = expectError { () throws(FFIError) in _ = try LibraryLoadPolicy().verify(path) }
        #expect(own?.message.contains("the directory \"\(root)/lib\" of library \"\(path)\" is writable") == true)
        try setMode(root + "/lib", 0o700)
        // Without the rule, both load.
        #expect(try LibraryLoadPolicy(refuseWritableByOthers: false).verify(path) == path)
    }

    @Test("a file or directory owned by another user is refused", .enabled(if: geteuid() == 0, "needs root to chown"))
    func ownedByAnotherUser() throws {
        let (root, path) = try makeLibrary()
        #expect(chown(path, 4242, 4242) == 0)
        let file = expectError { () throws(FFIError) in _ = try LibraryLoadPolicy().verify(path) }
        #expect(file?.message.contains("library \"\(path)\" is owned by uid 4242, neither root nor this process's user") == true)
        #expect(chown(path, 0, 0) == 0)
        #expect(chown(root, 4242, 4242) == 0)
        let directory = expectError { () throws(FFIError) in _ = try LibraryLoadPolicy().verify(path) }
        #expect(directory?.message.contains("the directory \"\(root)\" above library \"\(path)\" is owned by uid 4242") == true)
        #expect(chown(root, 0, 0) == 0)
    }

    @Test("the temporary directory the tests use passes the rules (its parents are root's, /tmp is sticky)")
    func temporaryDirectoryPasses() throws {
        let (_, path) = try makeLibrary()
        #expect(try LibraryLoadPolicy().verify(path) == path)
    }

    @Test("system library directories: ld.so.conf with includes and comments, then the standard ones")
    func systemDirectories() throws {
        let directory = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/conf.d", withIntermediateDirectories: true)
        try "# comment\ninclude conf.d/*.conf\n/opt/first /opt/second:/opt/third\nhwcap 0 nosegneg\n"
            .write(toFile: directory + "/ld.so.conf", atomically: true, encoding: .utf8)
        try "/opt/b  # trailing\n".write(toFile: directory + "/conf.d/b.conf", atomically: true, encoding: .utf8)
        try "/opt/a\n/usr/lib\n".write(toFile: directory + "/conf.d/a.conf", atomically: true, encoding: .utf8)
        try "include ../ld.so.conf\n".write(toFile: directory + "/conf.d/loop.conf", atomically: true, encoding: .utf8)
        let listed = SystemLibraryDirectories.directories(configuration: directory + "/ld.so.conf")
        #expect(Array(listed.prefix(6)) == ["/opt/a", "/usr/lib", "/opt/b", "/opt/first", "/opt/second", "/opt/third"])
        #expect(listed.contains("/usr/lib/\(SystemLibraryDirectories.multiarchTriple)"))
        #expect(Set(listed).count == listed.count)
        #expect(SystemLibraryDirectories.all.contains("/lib"))
        let zlib = try #require(SystemLibraryDirectories.locate("libz.so.1", in: SystemLibraryDirectories.all))
        let policy = LibraryLoadPolicy(allowedDirectories: SystemLibraryDirectories.all)
        #expect(try policy.verify(zlib).hasSuffix("/libz.so.1.3") || policy.verify(zlib).contains("libz.so"))
    }

    /// How many of this process's descriptors are open on `path`.
    func openDescriptors(to path: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.count { entry in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry)) == path
        }
    }
}
