import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardAdapterHost

/// Loads libswitchyard_bun.so through the host like any adapter and counts what a test leaves
/// behind: descriptors, threads, and processes carrying this run's marker in their environment.
enum BunAdapterHarness {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static let marker = "SWITCHYARD_BUN_TEST_MARK"
    static let markerValue = "run-\(getpid())"

    /// The adapter library beside the test binary (`swift build` puts every product there).
    static var libraryPath: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // An .xctest bundle on Linux is the executable itself; walk up until the library shows.
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("libswitchyard_bun.so").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("libswitchyard_bun.so").path
    }

    /// Makes an adapter for `entrypoint` (a fixture file name).
    static func adapter(mode: String, entrypoint: String = "tools.js", runtime: String = "bun",
                        extra: [String: JSONValue] = [:], hostTimeout: Duration = .seconds(30),
                        maxOutputBytes: Int = 10 << 20) throws -> LibraryAdapter {
        let library = try AdapterLibrary.load(libraryPath)
        var config: [String: JSONValue] = [
            "type": .string(runtime), "entrypoint": .string("\(fixtures)/\(entrypoint)"),
            "mode": .string(mode), "workers": 2, "kill_grace_ms": 200,
            "project_dir": .string(fixtures),
            "env": .object([marker: .string(markerValue)]),
        ]
        for (key, value) in extra { config[key] = value }
        return try LibraryAdapter(
            id: "bun", library: library, config: .object(config),
            options: AdapterCallOptions(defaultTimeout: hostTimeout, cancelGrace: .seconds(10),
                                       maxOutputBytes: maxOutputBytes))
    }

    /// What a test may leave behind.
    struct Resources: Equatable, CustomStringConvertible {
        var descriptors: Int
        var threads: Int
        var markedProcesses: Int
        var description: String { "fds \(descriptors), threads \(threads), marked processes \(markedProcesses)" }
    }

    static func resources() -> Resources {
        Resources(descriptors: count("/proc/self/fd"), threads: threadNames().count { !isDispatchWorker($0) },
                  markedProcesses: markedProcesses())
    }

    /// libdispatch's root-queue workers (Swift concurrency's pool on Linux, named
    /// com.apple.root.*-qos[.overcommit], cut to 15 characters): the runtime grows and shrinks
    /// that pool with machine load on its own schedule, so it is not the adapter's to return.
    /// Everything else counts, the adapter's own I/O threads included.
    static func isDispatchWorker(_ name: String) -> Bool {
        name.hasSuffix("-qos") || name.hasSuffix("qos.overcommit") || name.hasPrefix("com.apple.root")
    }

    /// This process's threads by name, for a failure message that says which one stayed.
    static func threadNames() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.sorted().map { task in
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? "?"
            return name.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    private static func count(_ directory: String) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: directory).count) ?? -1
    }

    /// Processes (children, grandchildren, whatever their group) whose environment carries the
    /// marker the adapter's instance config adds; plus direct children by ppid.
    static func markedProcesses() -> Int {
        let me = getpid()
        let needle = Array("\(marker)=\(markerValue)".utf8)
        var total = 0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != me else { continue }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")") {
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                if fields.count > 2, fields[0] != "Z", Int32(fields[1]) == me { total += 1; continue }
                if fields.first == "Z" { continue }
            }
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let bytes = [UInt8](environment)
            if bytes.split(separator: 0).contains(where: { Array($0) == needle }) { total += 1 }
        }
        return total
    }

    /// Waits (bounded) until resources are back at or below `baseline`; returns what it saw.
    static func settle(to baseline: Resources) async -> Resources {
        var now = resources()
        for _ in 0..<100 {
            if now.descriptors <= baseline.descriptors && now.threads <= baseline.threads && now.markedProcesses == 0 {
                return now
            }
            try? await Task.sleep(for: .milliseconds(100))
            now = resources()
        }
        return now
    }

    /// Runs a call and returns its outcome.
    static func outcome(_ adapter: LibraryAdapter, _ tool: String, _ input: JSONValue = .emptyObject,
                        env: [String: String] = [:], timeout: Duration? = nil) async -> Result<JSONValue, ToolError> {
        do {
            return .success(try await adapter.run(ToolCallRequest(toolID: tool, input: input, env: env, timeout: timeout)))
        } catch let error as ToolError {
            return .failure(error)
        } catch {
            return .failure(ToolError(.protocol, "\(error)"))
        }
    }
}

extension Result where Failure == ToolError {
    var errorKind: ToolError.Kind? {
        if case .failure(let error) = self { return error.kind }
        return nil
    }
    var value: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
    var errorMessage: String {
        if case .failure(let error) = self { return error.message + " " + (error.details ?? "") }
        return ""
    }
}
