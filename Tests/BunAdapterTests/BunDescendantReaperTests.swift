import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import Testing

/// Issue #15 item 7: a grandchild that left the process group (`setsid`) is killed and reaped
/// when its runtime process ends, in both modes, whether its call completed, was canceled or
/// timed out: no such process afterwards, and no zombie.
extension BunAdapterTests {
    struct EscapeCase: Sendable, CustomTestStringConvertible {
        var mode: String
        var ending: String
        var testDescription: String { "\(mode), call \(ending)" }
    }

    static let escapeCases = ["per_call", "pooled"].flatMap { mode in
        ["completes", "canceled", "times out"].map { EscapeCase(mode: mode, ending: $0) }
    }

    @Test("a setsid grandchild is killed and reaped once its runtime process ends",
          .timeLimit(.minutes(2)), arguments: escapeCases)
    func setsidGrandchildIsReaped(escape: EscapeCase) async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: escape.mode, entrypoint: "hardening.js")
        // A unique duration names the grandchild in the process table.
        let tag = "300.\(getpid())\(Int.random(in: 1000...9999))"
        let sleeper = ["sleep", tag]
        let input: JSONValue = ["tag": .string(tag), "then": .string(escape.ending == "completes" ? "return" : "hang")]
        let call = Task {
            await H.outcome(adapter, "escape", input, timeout: escape.ending == "times out" ? .milliseconds(1_500) : nil)
        }
        #expect(await ProcessTable.eventually { !ProcessTable.running(sleeper).isEmpty }, "the grandchild started")
        if escape.ending == "canceled" { call.cancel() }
        let outcome = await call.value
        switch escape.ending {
        case "completes": #expect(outcome.value?["spawned"] != nil, "\(outcome)")
        case "canceled": #expect(outcome.errorKind == .canceled, "\(outcome)")
        default: #expect(outcome.errorKind == .timeout, "\(outcome)")
        }
        // pooled: the worker outlives the call; its descendants go when it does.
        if escape.mode == "pooled" { await adapter.shutdown() }
        let gone = await ProcessTable.eventually { ProcessTable.running(sleeper).isEmpty }
        let left = ProcessTable.entries().filter { $0.arguments == sleeper }.map { "pid \($0.pid) ppid \($0.parent) \($0.state)" }
        #expect(gone, "the setsid grandchild survived: \(left)")
        // None at all: the earlier tests' group kills reparent children here too (the host is a
        // subreaper), and each must have been reaped.
        #expect(await ProcessTable.eventually { ProcessTable.zombieChildren().isEmpty },
                "zombies: \(ProcessTable.zombieChildren().map { "\($0.pid)" })")
        if escape.mode == "per_call" { await adapter.shutdown() }
        for entry in ProcessTable.running(sleeper) { kill(entry.pid, SIGKILL) }
        await expectBackTo(base)
    }
}
