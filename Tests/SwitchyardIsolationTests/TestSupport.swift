import Foundation
import Synchronization
import SwitchyardIsolation
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardTestSupport
import Testing

/// Every isolation test, one at a time: they count the process's descriptors, threads and
/// children, which tests running alongside would disturb.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct IsolationTests {}

/// The crashy fixture plugin, compiled at test time, and the helper SwiftPM built.
enum IsolationFixtures {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A directory only this user may write, as the load policy requires.
    static let directory = TemporaryDirectory.make("switchyard-isolation-tests")

    private static let built = Mutex<[String: String]>([:])

    /// The directory SwiftPM builds the executables into (beside the test bundle).
    static var binDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        let beside = URL(fileURLWithPath: executable).deletingLastPathComponent().path
        if FileManager.default.fileExists(atPath: beside + "/" + HelperExecutable.name) { return beside }
        return packageRoot + "/.build/debug"
    }

    /// `switchyard-adapter-helper` (built by `swift build`).
    static var helper: String { binDirectory + "/" + HelperExecutable.name }

    /// `Fixtures/NAME.c` compiled with `cc -shared -fPIC`.
    static func fixture(_ name: String) throws -> String {
        if let path = built.withLock({ $0[name] }) { return path }
        let output = directory + "/lib\(name).so"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-std=c99", "-shared", "-fPIC", "-fvisibility=hidden", "-I" + packageRoot + "/include",
                             "-o", output, packageRoot + "/Tests/SwitchyardIsolationTests/Fixtures/\(name).c", "-lpthread"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ToolError(.load, "cc \(name).c failed") }
        built.withLock { $0[name] = output }
        return output
    }

    /// An isolated crashy adapter.
    static func crashy(_ limits: HelperLimits = HelperLimits(), id: String = "crashy",
                       cancelGrace: Duration = .milliseconds(200)) throws -> IsolatedAdapter {
        try IsolatedAdapter(
            id: id, libraryPath: try fixture("crashy"),
            options: IsolatedAdapterOptions(helperExecutable: helper, cancelGrace: cancelGrace, limits: limits,
                                            restartBackoff: .milliseconds(20)))
    }
}

/// What this process holds, from /proc.
enum ProcessCounts {
    static var threads: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1 }
    static var descriptors: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1 }

    /// Live (not yet reaped) children of this process, over all its threads.
    static var children: [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.flatMap { task -> [Int32] in
            let text = (try? String(contentsOfFile: "/proc/self/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { Int32($0) }
        }
    }

    /// Whether `pid` names a process that is neither gone nor a zombie.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
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
    static func of(_ adapter: some ToolAdapter, _ tool: String, _ input: JSONValue = .emptyObject,
                   timeout: Duration? = nil) async -> Self {
        do {
            return .success(try await adapter.run(ToolCallRequest(toolID: tool, input: input, timeout: timeout)))
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

    var output: JSONValue? {
        if case .success(let output) = self { return output }
        return nil
    }
}
