import Foundation
import SwitchyardTestSupport
import Testing

extension IsolationTests {
    /// A real host (`switchyard tools call`) running an isolated call is SIGKILLed: its helper
    /// must not outlive it.
    @Suite(.slow, .tags(.slow)) struct HostDeathTests {
        @Test func aKilledHostLeavesNoHelperBehind() throws {
            let switchyard = IsolationFixtures.binDirectory + "/switchyard"
            try #require(FileManager.default.isExecutableFile(atPath: switchyard), "swift build first")
            let project = TemporaryDirectory.make("switchyard-isolated-host-death")
            let adapters = project + "/.switchyard/adapters"
            try FileManager.default.createDirectory(atPath: adapters, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: try IsolationFixtures.fixture("crashy"), toPath: adapters + "/libcrashy.so")
            try """
            name: isolated-host-death
            adapters:
              - {id: crashy, library: crashy, isolation: process}
            tools:
              - {id: spin, adapter: crashy}
            """.write(toFile: project + "/switchyard.yaml", atomically: true, encoding: .utf8)

            let host = Process()
            host.executableURL = URL(fileURLWithPath: switchyard)
            host.arguments = ["tools", "call", "spin", "--project", project]
            host.standardOutput = FileHandle.nullDevice
            host.standardError = FileHandle.nullDevice
            try host.run()
            var helper: Int32?
            for _ in 0..<300 where helper == nil {
                usleep(50_000)
                helper = Self.children(of: host.processIdentifier).first
            }
            let pid = try #require(helper, "the host never started its helper")
            usleep(300_000)  // the call is spinning inside the helper now
            #expect(ProcessCounts.isAlive(pid))
            kill(host.processIdentifier, SIGKILL)
            host.waitUntilExit()
            var alive = true
            for _ in 0..<100 where alive {
                usleep(50_000)
                alive = ProcessCounts.isAlive(pid)
            }
            #expect(!alive, "helper \(pid) outlived its host")
            if alive { kill(pid, SIGKILL) }
        }

        static func children(of pid: Int32) -> [Int32] {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            return tasks.flatMap { task -> [Int32] in
                let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
                return text.split(separator: " ").compactMap { Int32($0) }
            }
        }
    }
}
