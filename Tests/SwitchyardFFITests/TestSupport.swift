import Foundation
import SwitchyardFFI
import SwitchyardTestSupport
import Testing

/// A fresh private (0700) directory, removed when the test process exits.
func makeTemporaryDirectory() throws -> String { TemporaryDirectory.make("switchyard-ffi") }

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
