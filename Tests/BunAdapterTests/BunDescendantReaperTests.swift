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

/// Issue #15 item 7, pooled: an escapee that exits on its own while its worker lives is reaped
/// then, not left a zombie child of the host until the worker ends (as a zombie its environment
/// reads empty, so only the sweep that saw it alive can name it).
extension BunAdapterTests {
    @Test("pooled: a setsid escapee that exits on its own is reaped while its worker lives",
          .timeLimit(.minutes(2)))
    func selfExitingEscapeeIsReaped() async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "pooled", entrypoint: "hardening.js")
        // About 0.3 s, and unique: names the escapee in the process table while it lives.
        let tag = "0.3\(getpid())\(Int.random(in: 1000...9999))"
        let outcome = await H.outcome(adapter, "escapebriefly", ["tag": .string(tag)])
        #expect(outcome.value == ["escaped": true], "\(outcome)")
        // A zombie's cmdline reads empty: gone from `running` once it exited.
        #expect(await ProcessTable.eventually { ProcessTable.running(["sleep", tag]).isEmpty && ProcessTable.running(["sh", "-c", "sleep \(tag)"]).isEmpty },
                "the escapee ended")
        #expect(ProcessTable.liveChildren(named: "bun") > 0, "the worker is alive")
        #expect(await ProcessTable.eventually(seconds: 3) { ProcessTable.zombieChildren().isEmpty },
                "zombie children while the worker lives: \(ProcessTable.zombieChildren().map { "\($0.pid)" })")
        #expect(ProcessTable.liveChildren(named: "bun") > 0, "the worker is still alive")
        await adapter.shutdown()
        #expect(ProcessTable.zombieChildren().isEmpty)
        await expectBackTo(base)
    }
}
