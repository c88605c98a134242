import Foundation
import SwitchyardFFI
import SwitchyardJSON
import Testing

/// A fresh directory under the system temporary directory (mode 0700, from mkdtemp).
func makeTemporaryDirectory() throws -> String {
    var template = Array("\(NSTemporaryDirectory())/switchyard-ffi-XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard let created else { throw TestFailure("mkdtemp failed: \(String(cString: strerror(errno)))") }
    // The real path, so it compares equal to the paths the load policy reports.
    guard let resolved = realpath(created, nil) else { throw TestFailure("realpath failed") }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// Compiles C source into a shared library with the system `cc`; returns the library's path.
func compileSharedLibrary(named name: String, source: String, in directory: String) throws -> String {
    let sourcePath = "\(directory)/\(name).c"
    let libraryPath = "\(directory)/lib\(name).so"
    try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
    let compiler = Process()
    compiler.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
    compiler.arguments = ["-shared", "-fPIC", "-o", libraryPath, sourcePath]
    try compiler.run()
    compiler.waitUntilExit()
    guard compiler.terminationStatus == 0 else { throw TestFailure("cc failed for \(sourcePath)") }
    return libraryPath
}

func setMode(_ path: String, _ mode: mode_t) throws {
    guard chmod(path, mode) == 0 else { throw TestFailure("chmod \(path): \(String(cString: strerror(errno)))") }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, expecting an `FFIError`; returns it.
func expectFFIError(_ body: () throws(FFIError) -> Void, sourceLocation: SourceLocation = #_sourceLocation)
    -> FFIError?
{
    do {
        try body()
        Issue.record("expected an FFIError, got success", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
