import SwitchyardJSON
@testable import SwitchyardAdapterHost
import SwitchyardRuntime
import Testing

extension AdapterHostTests {
    /// Hooks that block (Fixtures/stuck.c) end at the call's deadline, never freeze the host.
    @Suite struct StuckHookTests {
        typealias CountFunction = @convention(c) () -> Int32
        typealias UnblockFunction = @convention(c) (Int32) -> Void

        let path: String
        let stuck: LibraryAdapter

        init() throws {
            path = try TestLibraries.fixture("stuck")
            stuck = try LibraryAdapter(
                id: "stuck", library: try AdapterLibrary.load(path),
                options: AdapterCallOptions(cancelGrace: .milliseconds(200), hookTimeout: .milliseconds(300)))
            unblock(0)
        }

        func count(_ name: String) -> Int32 {
            TestLibraries.function(name, in: path, as: CountFunction.self)()
        }

        func threadID() -> Int64 {
            TestLibraries.function("fixture_thread_id", in: path, as: (@convention(c) () -> Int64).self)()
        }

        func unblock(_ value: Int32) {
            TestLibraries.function("fixture_unblock", in: path, as: UnblockFunction.self)(value)
        }

        func call(_ tool: String, timeout: Duration? = nil) async -> Result<JSONValue, ToolError> {
            await Result.of(stuck, ToolCallRequest(toolID: tool, timeout: timeout))
        }

        /// Waits (bounded) until `condition` holds.
        func eventually(_ condition: () -> Bool) async {
            for _ in 0..<400 where !condition() { try? await Task.sleep(for: .milliseconds(10)) }
        }

        /// A start_call that blocks: its call ends `timeout` at the deadline while other calls of
        /// the same and another adapter answer; then the adapter fails fast until the hook returns,
        /// and the late start gets its release.
        @Test func aStuckStartCallEndsAtItsDeadline() async throws {
            let textKit = try TestLibraries.textKit()
            _ = await call("ok")
            try await Task.sleep(for: .milliseconds(1))  // the runtime's timer descriptors exist from here on
            let threads = ProcessCounts.threads
            let descriptors = ProcessCounts.descriptors
            let abandonedBefore = HookWatchdog.abandonedThreads.load(ordering: .relaxed)
            let blocked = Task { await call("block_start", timeout: .milliseconds(800)) }
            await eventually { count("fixture_blocked") == 1 }
            #expect(count("fixture_blocked") == 1)
            #expect(await call("ok") == .success(["ok": true]))
            #expect(await Result.of(textKit, ToolCallRequest(toolID: "upper", input: ["text": "a"])) == .success(["text": "A"]))

            let outcome = await blocked.value
            #expect(outcome.error?.kind == .timeout)
            #expect(outcome.error?.message.contains("start_call has not returned") == true)
            #expect(stuck.callCounts.stuckHooks == 1)
            #expect(stuck.callCounts.abandonedHooks == 1)
            #expect(HookWatchdog.abandonedThreads.load(ordering: .relaxed) == abandonedBefore + 1)
            #expect(count("fixture_blocked") == 1)  // the abandoned thread is still inside start_call

            let refused = await call("ok")
            #expect(refused.error?.kind == .crashed)
            #expect(refused.error?.message.contains("adapter stuck is unhealthy: start_call of call") == true)
            #expect(await Result.of(textKit, ToolCallRequest(toolID: "upper", input: ["text": "b"])) == .success(["text": "B"]))
            #expect(ProcessCounts.threads <= threads + HookThreads.maximumPerOwner + 4)

            let releases = count("fixture_releases")
            unblock(1)
            await eventually { stuck.callCounts.stuckHooks == 0 }
            #expect(stuck.callCounts.stuckHooks == 0)
            await eventually { count("fixture_releases") == releases + 1 }
            #expect(count("fixture_releases") == releases + 1)  // the late SY_OK still got its release
            #expect(await call("ok") == .success(["ok": true]))
            await stuck.shutdown()
            await textKit.shutdown()
            // Released, the abandoned thread rejoins the pool and idle hook threads exit.
            #expect(await ProcessCounts.settle({ ProcessCounts.threads }, to: threads) <= threads)
            #expect(ProcessCounts.descriptors <= descriptors, "\(ProcessCounts.descriptorTargets)")
        }

        /// A cancel_call that blocks holds neither the call nor the caller: the call ends at the
        /// grace after its deadline, and the adapter is unhealthy while the hook is stuck.
        /// By default start_call runs on a hook thread; `startsCallsInline` (`isolation: inline`)
        /// runs it on the calling thread, with no hand-off.
        @Test func inlineAdaptersStartCallsOnTheCallingThread() async throws {
            let inline = try LibraryAdapter(id: "stuck-inline", library: try AdapterLibrary.load(path),
                                            options: AdapterCallOptions(startsCallsInline: true))
            let request = ToolCallRequest(toolID: "thread")
            for _ in 0..<3 {
                let caller = threadID()
                let inlineAnswer = try await inline.run(request)
                #expect(inlineAnswer["tid"]?.intValue == caller)
                let handedOff = threadID()
                let handedOffAnswer = try await stuck.run(request)
                #expect(handedOffAnswer["tid"]?.intValue != nil)
                #expect(handedOffAnswer["tid"]?.intValue != handedOff)
            }
            await inline.shutdown()
        }

        @Test func aStuckCancelCallDoesNotHoldTheCall() async {
            let outcome = await call("block_cancel", timeout: .milliseconds(200))
            #expect(outcome.error?.kind == .timeout)
            await eventually { stuck.callCounts.abandonedHooks == 1 }
            #expect(stuck.callCounts.abandonedHooks == 1)
            #expect(await call("ok").error?.kind == .crashed)
            unblock(1)
            await eventually { stuck.callCounts.stuckHooks == 0 }
            #expect(await call("ok") == .success(["ok": true]))
            await stuck.shutdown()
        }

        /// Many stuck calls at once, streamed: each ends at its deadline, and the threads they
        /// hold are bounded by the per-adapter bound, not by the number of calls.
        @Test func manyStuckCallsHoldBoundedThreads() async {
            _ = await call("ok")
            let threads = ProcessCounts.threads
            let outcomes = await withTaskGroup(of: ToolError.Kind?.self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        do {
                            for try await _ in stuck.call(ToolCallRequest(toolID: "block_start", timeout: .milliseconds(500))) {}
                            return nil
                        } catch let error as ToolError {
                            return error.kind
                        } catch {
                            return nil
                        }
                    }
                }
                var kinds: [ToolError.Kind?] = []
                for await kind in group { kinds.append(kind) }
                return kinds
            }
            #expect(outcomes.allSatisfy { $0 == .timeout })
            #expect(count("fixture_blocked") == Int32(HookThreads.maximumPerOwner))
            #expect(stuck.callCounts.stuckHooks == HookThreads.maximumPerOwner)
            #expect(ProcessCounts.threads <= threads + HookThreads.maximumPerOwner + 4)
            // Unhealthy: a new call fails fast instead of queueing behind the stuck threads.
            #expect(await call("ok").error?.kind == .crashed)
            unblock(1)
            await eventually { stuck.callCounts.stuckHooks == 0 }
            #expect(stuck.callCounts.stuckHooks == 0)
            #expect(count("fixture_blocked") == 0)
            await stuck.shutdown()
            #expect(await ProcessCounts.settle({ ProcessCounts.threads }, to: threads) <= threads)
        }

        /// Shutdown is bounded: a start_call stuck without a deadline is abandoned after the
        /// wait, and the instance is not destroyed under it.
        @Test func shutdownDoesNotWaitForAStuckHook() async throws {
            let blocked = Task { await call("block_start", timeout: .zero) }
            await eventually { count("fixture_blocked") == 1 }
            await stuck.shutdown()
            #expect(await blocked.value.error?.kind == .canceled)
            #expect(stuck.callCounts.stuckHooks == 1)
            unblock(1)
            await eventually { stuck.callCounts.stuckHooks == 0 }
        }
    }
}
