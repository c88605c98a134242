import SwitchyardJSON
import SwitchyardRuntime
import Testing
import SwitchyardAdapterHost

/// Pooled workers are recycled (after N calls, above a memory ceiling) and replaced (after a
/// crash) without failing any call that was not on the worker that went away.
extension BunAdapterTests {
    func workerPID(_ adapter: LibraryAdapter) async -> Int64? {
        await H.outcome(adapter, "pid").value?["pid"]?.intValue
    }

    @Test("a worker is recycled after max_calls_per_worker calls", .timeLimit(.minutes(1)))
    func recycleAfterCalls() async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "pooled", extra: ["workers": 1, "max_calls_per_worker": 3])
        var pids: [Int64] = []
        for _ in 0..<9 {
            let pid = await workerPID(adapter)
            #expect(pid != nil, "a call failed while workers were recycled")
            if let pid { pids.append(pid) }
        }
        // Three workers, three calls each, in order.
        #expect(pids.count == 9)
        #expect(Set(pids).count == 3, "pids: \(pids)")
        for group in stride(from: 0, to: pids.count, by: 3) {
            #expect(Set(pids[group..<min(group + 3, pids.count)]).count == 1, "pids: \(pids)")
        }
        await adapter.shutdown()
        await expectBackTo(base)
    }

    @Test("a worker above max_worker_memory_mb is recycled after its call", .timeLimit(.minutes(1)))
    func recycleAboveMemoryCeiling() async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "pooled", extra: ["workers": 1, "max_worker_memory_mb": 200])
        let before = await workerPID(adapter)
        #expect(await workerPID(adapter) == before, "a worker under its ceiling must be kept")
        let hog = await H.outcome(adapter, "hog", ["mb": 300])
        #expect(hog.value == ["held": 1], "the call that crossed the ceiling must still succeed: \(hog)")
        let after = await workerPID(adapter)
        #expect(before != nil && after != nil && after != before, "before \(String(describing: before)), after \(String(describing: after))")
        await adapter.shutdown()
        await expectBackTo(base)
    }

    @Test("a crashed worker fails only its own in-flight calls and is replaced", .timeLimit(.minutes(1)))
    func crashedWorkerReplaced() async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "pooled", extra: ["workers": 1])
        let victim = await workerPID(adapter)
        // Three calls in flight on the one worker, then a call that kills it.
        async let sleepers = withTaskGroup(of: ToolError.Kind?.self) { group in
            for _ in 0..<3 { group.addTask { await H.outcome(adapter, "sleep", ["ms": 2_000]).errorKind } }
            return await group.reduce(into: [ToolError.Kind?]()) { $0.append($1) }
        }
        try await Task.sleep(for: .milliseconds(200))
        let killer = await H.outcome(adapter, "sigkill")
        #expect(killer.errorKind == .crashed, "\(killer)")
        #expect(await sleepers == [.crashed, .crashed, .crashed])
        // A new worker took its place, and calls work again.
        let replacement = await workerPID(adapter)
        #expect(replacement != nil && replacement != victim)
        #expect(await H.outcome(adapter, "echo", ["ok": true]).value == ["ok": true])
        await adapter.shutdown()
        await expectBackTo(base)
    }
}
