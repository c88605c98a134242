import Foundation
import SwitchyardFFI
import Testing
import SwitchyardTestSupport

@Suite("DynamicLibrary and LibraryLoadPolicy", .timeLimit(.minutes(1)))
struct DynamicLibraryTests {
    static let answerSource = "long switchyard_answer(long x) { return x + 41; }\n"

    /// Calls `switchyard_answer(1)` in the library at `path` through a call interface.
    func callAnswer(_ library: DynamicLibrary) throws -> Int64 {
        let address = try library.symbol("switchyard_answer")
        let interface = try CallInterface.cached(returning: .int64, arguments: [.int64])
        var argument: Int64 = 1
        var result: Int64 = 0
        withUnsafeMutablePointer(to: &argument) { pointer in
            var arguments: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(pointer)]
            interface.call(address, result: &result, arguments: &arguments)
        }
        return result
    }

    @Test("a missing library is libraryNotFound with the dlerror text")
    func libraryNotFound() {
        let error = expectError { () throws(FFIError) in _ = try DynamicLibrary.open("libswitchyard-no-such.so.9") }
        #expect(error?.code == .libraryNotFound)
        #expect(error?.message.contains("libswitchyard-no-such.so.9") == true)
        #expect(error?.message.contains("cannot open shared object file") == true)
    }

    @Test("a missing symbol is symbolNotFound with the dlerror text")
    func symbolNotFound() throws {
        let zlib = try DynamicLibrary.open("libz.so.1")
        let error = expectError { () throws(FFIError) in _ = try zlib.symbol("switchyard_no_such_symbol") }
        #expect(error?.code == .symbolNotFound)
        #expect(error?.message.contains("\"switchyard_no_such_symbol\"") == true)
        #expect(error?.message.contains("undefined symbol: switchyard_no_such_symbol") == true)
    }

    @Test("opening the same path twice returns the same library")
    func cacheByPath() throws {
        let first = try DynamicLibrary.open("libz.so.1")
        let second = try DynamicLibrary.open("libz.so.1")
        #expect(first === second)
        #expect(try first.symbol("crc32") == second.symbol("crc32"))
    }

    @Test("a policy loads a private library and calls it; the loaded path is the real path")
    func policyAllowsPrivateLibrary() throws {
        let directory = try makeTemporaryDirectory()
        let path = try compileSharedLibrary(named: "answer", source: Self.answerSource, in: directory)
        try setMode(path, 0o644)
        let policy = LibraryLoadPolicy(allowedDirectories: [directory])
        let library = try DynamicLibrary.open(path, policy: policy)
        #expect(library.path == path)
        #expect(try callAnswer(library) == 42)
    }

    @Test("a world-writable library is refused")
    func worldWritableFile() throws {
        let directory = try makeTemporaryDirectory()
        let path = try compileSharedLibrary(named: "answer", source: Self.answerSource, in: directory)
        try setMode(path, 0o666)
        let error = expectError { () throws(FFIError) in _ = try DynamicLibrary.open(path, policy: LibraryLoadPolicy()) }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("writable by group or others (mode 666)") == true)
        // Without the check the same file loads.
        let relaxed = LibraryLoadPolicy(refuseWritableByOthers: false)
        #expect(try callAnswer(DynamicLibrary.open(path, policy: relaxed)) == 42)
    }

    @Test("a library in a group-writable directory is refused")
    func writableDirectory() throws {
        let directory = try makeTemporaryDirectory()
        let path = try compileSharedLibrary(named: "answer", source: Self.answerSource, in: directory)
        try setMode(path, 0o644)
        try setMode(directory, 0o775)
        let error = expectError { () throws(FFIError) in _ = try DynamicLibrary.open(path, policy: LibraryLoadPolicy()) }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("the directory \"\(directory)\"") == true)
    }

    @Test("a library outside the allowed directories is refused, also through a symlink")
    func outsideAllowedDirectories() throws {
        let directory = try makeTemporaryDirectory()
        let allowed = try makeTemporaryDirectory()
        let path = try compileSharedLibrary(named: "answer", source: Self.answerSource, in: directory)
        try setMode(path, 0o644)
        let policy = LibraryLoadPolicy(allowedDirectories: [allowed])
        let error = expectError { () throws(FFIError) in _ = try DynamicLibrary.open(path, policy: policy) }
        #expect(error?.code == .outsideAllowedDirectories)
        #expect(error?.message.contains(path) == true)
        let link = "\(allowed)/libanswer.so"
        #expect(symlink(path, link) == 0)
        let viaLink = expectError { () throws(FFIError) in _ = try DynamicLibrary.open(link, policy: policy) }
        #expect(viaLink?.code == .outsideAllowedDirectories)
        #expect(viaLink?.message.contains("real path \"\(path)\"") == true)
    }

    @Test("a policy needs an existing file")
    func policyNeedsFile() {
        let error = expectError { () throws(FFIError) in
            _ = try DynamicLibrary.open("/nonexistent/libx.so", policy: LibraryLoadPolicy())
        }
        #expect(error?.code == .libraryNotFound)
        #expect(error?.message.contains("/nonexistent/libx.so") == true)
    }
}
