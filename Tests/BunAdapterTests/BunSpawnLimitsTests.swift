import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardTestSupport
import Testing

/// Issue #15 item 6, Bun side: a pool refills after a failed spawn, per_call runs at most
/// `max_concurrent` processes, and a spawn failure names its errno.
extension BunAdapterTests {
    @Test("pooled: after a failed spawn the pool refills on its own once the runtime can start again",
          .timeLimit(.minutes(2)))
    func poolRefillsAfterFailedSpawn() async throws {
        // Before the baseline: Foundation's Process keeps descriptors of its own once used.
        let bun = try Self.bunPath()
        let base = await baseline()
        let link = TemporaryDirectory.make("bun-refill") + "/bun"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: bun)
        let adapter = try H.adapter(mode: "pooled", entrypoint: "hardening.js", extra: ["executable": .string(link)])
        _ = await [H.outcome(adapter, "echo"), H.outcome(adapter, "echo")]
        #expect(ProcessTable.liveChildren(named: "bun") == 2)

        // The executable vanishes, then a worker dies: its replacement cannot spawn.
        try FileManager.default.removeItem(atPath: link)
        #expect(await H.outcome(adapter, "die").errorKind == .crashed)
        #expect(await ProcessTable.eventually { ProcessTable.liveChildren(named: "bun") == 1 })
        // Meanwhile calls go to the worker that is left.
        for index in 0..<5 {
            #expect(await H.outcome(adapter, "echo", ["n": .int(Int64(index))]).value == ["n": .int(Int64(index))])
        }
        // It comes back: the pool is whole again without a call needing a second worker.
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: bun)
        let refilled = await ProcessTable.eventually(seconds: 15) { ProcessTable.liveChildren(named: "bun") == 2 }
        #expect(refilled, "the pool stayed at \(ProcessTable.liveChildren(named: "bun")) of 2 workers")
        #expect(await H.outcome(adapter, "echo", ["after": true]).value == ["after": true])
        await adapter.shutdown()
        let settled = await H.settle(to: base)
        if settled.descriptors > base.descriptors { print("descriptors now: \(Self.openDescriptors())") }
        await expectBackTo(base)
    }

    /// Where each open descriptor points, for a failure message.
    static func openDescriptors() -> [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.sorted().map { "\($0) -> \((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) ?? "?")" }
    }

    @Test("per_call: 40 calls with max_concurrent 4 never run more than 4 processes at once",
          .timeLimit(.minutes(2)))
    func perCallConcurrencyCap() async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "per_call", entrypoint: "hardening.js", extra: ["max_concurrent": 4])
        let calls = (0..<40).map { index in
            Task { await H.outcome(adapter, "sleep", ["ms": .int(Int64(200 + index))]) }
        }
        let sampler = Task {
            var most = 0
            while !Task.isCancelled {
                most = max(most, ProcessTable.liveChildren(named: "bun"))
                try? await Task.sleep(for: .milliseconds(5))
            }
            return most
        }
        for (index, call) in calls.enumerated() {
            #expect(await call.value.value == ["slept": .int(Int64(200 + index))], "call \(index)")
        }
        sampler.cancel()
        let most = await sampler.value
        #expect(most <= 4 && most > 0, "\(most) bun processes at once")

        // A waiting call still honours its deadline and its cancel.
        let busy = (0..<4).map { _ in Task { await H.outcome(adapter, "sleep", ["ms": 3_000]) } }
        #expect(await ProcessTable.eventually { ProcessTable.liveChildren(named: "bun") == 4 })
        let late = await H.outcome(adapter, "echo", timeout: .milliseconds(300))
        #expect(late.errorKind == .timeout, "\(late)")
        let canceled = Task { await H.outcome(adapter, "echo") }
        try await Task.sleep(for: .milliseconds(200))
        canceled.cancel()
        #expect(await canceled.value.errorKind == .canceled)
        for call in busy { #expect(await call.value.value == ["slept": 3_000]) }
        await adapter.shutdown()
        await expectBackTo(base)
    }

    @Test("a spawn that hits EMFILE says so, not \"Failed to set working directory\"", .timeLimit(.minutes(2)))
    func spawnFailureNamesErrno() async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "per_call", entrypoint: "hardening.js")
        #expect(await H.outcome(adapter, "echo", ["warm": true]).value == ["warm": true])
        var saved = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved)
        var messages: [String] = []
        // Just above the descriptors open now: the adapter's pipes, or the spawn's own
        // descriptors, run out somewhere in this range.
        for extra in 0..<14 {
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
            var lowered = saved
            lowered.rlim_cur = rlim_t(open + extra)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &lowered)
            let outcome = await H.outcome(adapter, "echo")
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved)
            if outcome.value == nil { messages.append(outcome.errorMessage) }
        }
        #expect(!messages.isEmpty, "no call ran out of descriptors")
        #expect(messages.contains { $0.contains("could not start bun") && $0.contains("too many open files (EMFILE)") }, "\(messages)")
        #expect(!messages.contains { $0.contains("working directory") }, "\(messages)")
        #expect(await H.outcome(adapter, "echo", ["after": true]).value == ["after": true])
        await adapter.shutdown()
        await expectBackTo(base)
    }
}
