import Foundation
import Testing
import SwitchyardTestSupport

/// The host process dies (SIGKILL) while a tool call hangs: the worker notices its stdin end
/// without a drain and stops its whole process group, grandchildren included, in both modes, on
/// Bun's lean per-call script and on the general worker (node).
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(2)))
struct HostDeathTests {
    @Test("a killed host leaves no worker or grandchild behind",
          arguments: [("bun", "pooled"), ("bun", "per_call"), ("node", "pooled"), ("node", "per_call")])
    func killedHostLeavesNothing(runtime: String, mode: String) throws {
        let directory = TemporaryDirectory.make("switchyard-host-death")
        try """
        name: host-death
        runtime:
          type: \(runtime)
          entrypoint: ./tools.js
          mode: \(mode)
          # Tools get a minimal environment: the marker must be passed through by name.
          inherit_env: [SWITCHYARD_TEST_MARKER]
        tools:
          - id: hang
        """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try """
        import { spawn } from "node:child_process";
        export default {
          hang: () => { spawn("sleep", ["60"], { stdio: "ignore" }); return new Promise(() => {}); },
        };
        """.write(toFile: directory + "/tools.js", atomically: true, encoding: .utf8)

        let marker = UUID().uuidString
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EngineCommandTests.binary)
        process.arguments = ["tools", "call", "hang", "--project", directory]
        process.environment = ProcessInfo.processInfo.environment.merging(["SWITCHYARD_TEST_MARKER": marker]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The worker and its `sleep` grandchild both carry the marker once the call hangs.
        let hanging = ResumeAfterKillTests.waitUntil(seconds: 30) {
            ResumeAfterKillTests.processes(carrying: marker).count >= 2
        }
        #expect(hanging, "the call never reached its grandchild")
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let gone = ResumeAfterKillTests.waitUntil(seconds: 5) { ResumeAfterKillTests.processes(carrying: marker).isEmpty }
        #expect(gone, "\(runtime) \(mode): left after the host died: \(ResumeAfterKillTests.processes(carrying: marker))")
        for pid in ResumeAfterKillTests.processes(carrying: marker) { kill(pid, SIGKILL) }
    }
}
