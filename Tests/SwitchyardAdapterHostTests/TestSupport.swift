import Foundation
import Synchronization
import SwitchyardJSON
import SwitchyardAdapterHost
import SwitchyardRuntime
import SwitchyardTestSupport
import Testing

/// Every runtime test, run one at a time: the lifecycle tests count the process's threads and
/// descriptors, which tests running alongside would disturb.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct AdapterHostTests {}

/// Real adapter libraries for the tests: the SwiftPM-built textkit, a plain-cc textkit and the
/// misbehaving fixtures, compiled at test time into a private (0700) directory.
enum TestLibraries {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A directory only this user may write, as the load policy requires.
    static let directory = TemporaryDirectory.make("switchyard-adapter-host-tests")

    private static let built = Mutex<[String: String]>([:])

    /// The libtextkit.so SwiftPM built beside the test binary (`swift build` first).
    static var textKitSwiftPM: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var candidates = [URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("libtextkit.so").path]
        candidates.append(packageRoot + "/.build/debug/libtextkit.so")
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
    }

    /// textkit built by its Makefile with plain cc.
    static func textKitPlainCC() throws -> String {
        try cached("textkit-cc") {
            let output = directory + "/textkit-cc"
            try run("/usr/bin/env", ["make", "-s", "-C", packageRoot + "/Plugins/textkit", "BUILD=" + output])
            return output + "/libtextkit.so"
        }
    }

    /// A fixture from `Fixtures/NAME.c`, compiled with `cc -shared -fPIC`.
    static func fixture(_ name: String) throws -> String {
        try cached(name) {
            let output = directory + "/lib\(name).so"
            try run("/usr/bin/env", [
                "cc", "-std=c99", "-shared", "-fPIC", "-fvisibility=hidden", "-I" + packageRoot + "/include",
                "-o", output, packageRoot + "/Tests/SwitchyardAdapterHostTests/Fixtures/\(name).c", "-lpthread",
            ])
            return output
        }
    }

    /// A C function of a fixture library, found with dlsym (the fixtures record what the host
    /// answered them).
    static func function<T>(_ name: String, in library: String, as type: T.Type) -> T {
        let handle = dlopen(library, RTLD_NOW | RTLD_NOLOAD)!
        return unsafeBitCast(dlsym(handle, name)!, to: type)
    }

    private static func cached(_ key: String, _ build: () throws -> String) throws -> String {
        if let path = built.withLock({ $0[key] }) { return path }
        let path = try build()
        built.withLock { $0[key] = path }
        return path
    }

    static func run(_ executable: String, _ arguments: [String]) throws {
        _ = try output(executable, arguments)
    }

    /// Runs a tool to its end and returns its stdout; stderr goes into the error when it fails.
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(.load, "\(arguments.joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A fresh textkit adapter.
    static func textKit(_ options: AdapterCallOptions = .init(), path: String? = nil) throws -> LibraryAdapter {
        let library = try AdapterLibrary.load(path ?? textKitSwiftPM)
        return try LibraryAdapter(id: "textkit", library: library, options: options)
    }
}

/// The process's threads and open descriptors, from /proc.
enum ProcessCounts {
    static var threads: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1 }
    static var descriptors: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1 }

    /// Where each open descriptor points, for failure messages.
    static var descriptorTargets: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.map { "\($0)→" + ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) ?? "?") }
    }

    /// Waits (bounded) until `value` drops to `target` or below; returns the last value seen.
    static func settle(_ value: () -> Int, to target: Int) async -> Int {
        var current = value()
        for _ in 0..<200 where current > target {
            try? await Task.sleep(for: .milliseconds(25))
            current = value()
        }
        return current
    }
}

extension Result where Success == JSONValue, Failure == ToolError {
    /// Runs a call to its end, keeping its error as a `ToolError`.
    static func of(_ adapter: some ToolAdapter, _ request: ToolCallRequest) async -> Self {
        do {
            return .success(try await adapter.run(request))
        } catch let error as ToolError {
            return .failure(error)
        } catch {
            return .failure(ToolError(.protocol, "not a ToolError: \(error)"))
        }
    }

    var error: ToolError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
