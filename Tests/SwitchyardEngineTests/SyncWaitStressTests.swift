import Foundation
import Testing
import SwitchyardJSON
@testable import SwitchyardEngine

/// Many thousands of sync waits (the API's `result(waitingAtMost:)`) on real executions over the
/// real SQLite store: none is answered as timed out, and once they are answered nothing they
/// started is left behind — no wait timer still sleeping, no execution still listed as running,
/// no resident memory that grew with the number of requests.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SyncWaitStressTests {
    /// What one wait left live, counted after a batch of waits has been answered.
    struct Residue: Equatable, CustomStringConvertible {
        var timers: Int
        var running: Int
        var description: String { "\(timers) wait timers, \(running) running executions" }
    }

    static func residue(_ engine: WorkflowEngine) -> Residue {
        Residue(timers: ExecutionHandle.liveWaitTimers, running: engine.runningExecutions.count)
    }

    /// Runs `count` executions of workflow `wf`, `concurrency` at a time, each awaited the way
    /// the sync API awaits it (60 s limit). - Returns: how many were answered as timed out.
    static func syncWaits(_ engine: WorkflowEngine, count: Int, concurrency: Int = 16) async throws -> Int {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            var timedOut = 0
            for index in 0..<count {
                group.addTask {
                    let handle = try await engine.start(workflowID: "wf", input: ["n": .int(Int64(index))])
                    return await handle.result(waitingAtMost: .seconds(60)) == nil
                }
                if index >= concurrency, try await group.next() == true { timedOut += 1 }
            }
            for try await missed in group where missed { timedOut += 1 }
            return timedOut
        }
    }

    /// Live tasks end a little after the answer they produced (the waiter's own task returns
    /// after resuming the request): poll briefly instead of asserting at once.
    static func settled(_ engine: WorkflowEngine) async throws -> Residue {
        for _ in 0..<200 {
            if residue(engine) == Residue(timers: 0, running: 0) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return residue(engine)
    }

    @Test func answeredWaitsLeaveNoTimersRunsOrMemoryBehind() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - {id: a, tool: echo, with: {n: "{{ .workflow.input.n }}"}}
            """)
        let engine = try project.engine()
        // Warm-up: caches (compiled workflow, statements, SQLite pages, allocator arenas) fill first.
        #expect(try await Self.syncWaits(engine, count: 2_000) == 0)
        #expect(try await Self.settled(engine) == Residue(timers: 0, running: 0))
        let rssBefore = ResidentMemory.bytes()

        let waits = 20_000
        let timedOut = try await Self.syncWaits(engine, count: waits)
        #expect(timedOut == 0, "\(timedOut) of \(waits) finished runs were answered as timed out")
        let left = try await Self.settled(engine)
        #expect(left == Residue(timers: 0, running: 0), "left behind after \(waits) answered waits: \(left)")
        // A timer left sleeping per wait holds its task, closure and continuation (about a KB):
        // 20,000 of them are tens of MB. What legitimately stays is bounded caches.
        let growth = ResidentMemory.bytes() - rssBefore
        // Known open (issue 13, item 1): in a debug build RSS still grew ~15.7 MB over 20,000
        // waits (~780 B a wait) with no timer and no run left live; not yet traced (store,
        // allocator or a real per-request residue).
        withKnownIssue("resident memory still grows per sync wait (issue 13)", isIntermittent: true) {
            #expect(growth < 8 << 20, "resident memory grew by \(growth) bytes over \(waits) answered waits")
        }
    }

    @Test func aTimedOutWaitEndsItsTimerAndTheRunStillEnds() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - {id: a, tool: sleep, with: {ms: 1000}}
            """)
        let engine = try project.engine()
        let handles = try await withThrowingTaskGroup(of: (ExecutionHandle, Bool).self) { group in
            for _ in 0..<200 {
                group.addTask {
                    let handle = try await engine.start(workflowID: "wf")
                    return (handle, await handle.result(waitingAtMost: .milliseconds(1)) == nil)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(handles.filter(\.1).count == handles.count, "every 1 ms wait on a 1 s run answers timed out")
        for (handle, _) in handles { #expect(await handle.result().status == .success) }
        #expect(try await Self.settled(engine) == Residue(timers: 0, running: 0))
    }
}

/// The process's resident memory (`VmRSS` of /proc/self/status). The allocator keeps freed
/// pages for reuse, so after a warm-up a loop that frees what it allocates stays flat, while one
/// that leaks per request grows with the count.
enum ResidentMemory {
    static func bytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }
}
