import Foundation
import SwitchyardAdapterHost
@testable import SwitchyardIsolation
import SwitchyardJSON
import SwitchyardRuntime
import Testing

extension IsolationTests {
    /// The crashy plugin, isolated: each way of dying fails only the calls in that helper, with
    /// the right kind, and the next call runs in a fresh helper.
    @Suite struct CrashContainmentTests {
        @Test func callsStreamEventsAndResults() async throws {
            let adapter = try IsolationFixtures.crashy()
            var events: [ToolEvent] = []
            for try await event in adapter.call(ToolCallRequest(toolID: "echo", input: ["n": 1])) { events.append(event) }
            #expect(events == [.progress(["step": 1]), .log(.info, "echoing"), .result(["echo": ["n": 1]])])
            let tools = try await adapter.describe()
            #expect(tools.map(\.id).contains("segfault"))
            let pid = try #require(await Result.of(adapter, "pid").output?.objectValue?["pid"]?.intValue)
            #expect(pid != Int64(getpid()))
            await adapter.shutdown()
        }

        @Test("a dying plugin fails its call as crashed, naming how, and the next call works",
              arguments: [("segfault", "SIGSEGV"), ("abort", "SIGABRT"), ("exit3", "exited with status 3")])
        func aDyingPluginIsContained(tool: String, named: String) async throws {
            let adapter = try IsolationFixtures.crashy()
            let first = try #require(await Result.of(adapter, "pid").output?.objectValue?["pid"]?.intValue)
            let outcome = await Result.of(adapter, tool)
            #expect(outcome.error?.kind == .crashed)
            #expect(outcome.error?.message.contains(named) == true, "\(String(describing: outcome.error))")
            #expect(outcome.error?.toolID == tool)
            let second = try #require(await Result.of(adapter, "pid").output?.objectValue?["pid"]?.intValue)
            #expect(second != first)
            #expect(adapter.counts.helperFailures == 1)
            #expect(adapter.counts.helpersStarted == 2)
            await adapter.shutdown()
        }

        @Test func aSpinningPluginTimesOutAndTakesOnlyItsHelpersCalls() async throws {
            let adapter = try IsolationFixtures.crashy()
            let other = try IsolationFixtures.crashy(id: "other")
            async let sleeping = Result.of(adapter, "sleep", ["ms": 60_000])
            async let elsewhere = Result.of(other, "sleep", ["ms": 300])
            try await Task.sleep(for: .milliseconds(100))
            let spun = await Result.of(adapter, "spin", timeout: .milliseconds(300))
            #expect(spun.error?.kind == .timeout)
            let neighbour = await sleeping
            #expect(neighbour.error?.kind == .crashed)
            #expect(neighbour.error?.message.contains("spin") == true, "\(String(describing: neighbour.error))")
            #expect(await elsewhere == .success(["slept": true]))
            #expect(await Result.of(adapter, "echo").output != nil)
            await adapter.shutdown()
            await other.shutdown()
        }

        /// The helper starts calls inline on its reading thread; one stuck in start_call must
        /// hand the reading over, or no further call (or cancel) would ever be read.
        @Test func aCallStuckInStartCallDoesNotStopTheHelperTakingCalls() async throws {
            let adapter = try IsolationFixtures.crashy()
            let first = try #require(await Result.of(adapter, "pid").output?.objectValue?["pid"]?.intValue)
            let spinning = Task { await Result.of(adapter, "spin", timeout: .seconds(60)) }
            try await Task.sleep(for: .milliseconds(100))
            #expect(await Result.of(adapter, "echo").output != nil)
            #expect(await Result.of(adapter, "pid").output?.objectValue?["pid"]?.intValue == first)
            spinning.cancel()
            #expect(await spinning.value.error?.kind == .canceled)
            await adapter.shutdown()
        }

        @Test func aCanceledCallEndsCanceledAndTheHelperLives() async throws {
            let adapter = try IsolationFixtures.crashy()
            let first = try #require(await Result.of(adapter, "pid").output?.objectValue?["pid"]?.intValue)
            let task = Task { await Result.of(adapter, "sleep", ["ms": 60_000]) }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            #expect(await task.value.error?.kind == .canceled)
            #expect(await Result.of(adapter, "pid").output?.objectValue?["pid"]?.intValue == first)
            #expect(adapter.counts.helperFailures == 0)
            await adapter.shutdown()
        }

        @Test func otherAdaptersAndInProcessCallsNeverNotice() async throws {
            let isolated = try IsolationFixtures.crashy()
            let neighbour = try IsolationFixtures.crashy(id: "neighbour")
            let inProcess = try LibraryAdapter(
                id: "crashy-in-process", library: try AdapterLibrary.load(try IsolationFixtures.fixture("crashy")))
            async let slow = Result.of(neighbour, "sleep", ["ms": 400])
            async let local = Result.of(inProcess, "sleep", ["ms": 400])
            try await Task.sleep(for: .milliseconds(50))
            #expect(await Result.of(isolated, "segfault").error?.kind == .crashed)
            #expect(await Result.of(isolated, "abort").error?.kind == .crashed)
            #expect(await slow == .success(["slept": true]))
            #expect(await local == .success(["slept": true]))
            // The same library in process: same tools, our own pid.
            #expect(await Result.of(inProcess, "pid").output?.objectValue?["pid"]?.intValue == Int64(getpid()))
            #expect(await Result.of(inProcess, "echo", ["a": "b"]).output == ["echo": ["a": "b"]])
            await isolated.shutdown()
            await neighbour.shutdown()
            await inProcess.shutdown()
        }

        @Test func crashesRestartWithGrowingBackoffResetBySuccess() throws {
            let adapter = try IsolatedAdapter(
                id: "backoff", libraryPath: "/nonexistent.so",
                options: IsolatedAdapterOptions(helperExecutable: IsolationFixtures.helper,
                                                restartBackoff: .milliseconds(100), maxRestartBackoff: .seconds(1)))
            #expect(adapter.restartDelay(afterFailures: 1) == .zero)
            #expect(adapter.restartDelay(afterFailures: 2) == .milliseconds(100))
            #expect(adapter.restartDelay(afterFailures: 3) == .milliseconds(200))
            #expect(adapter.restartDelay(afterFailures: 5) == .milliseconds(800))
            #expect(adapter.restartDelay(afterFailures: 50) == .seconds(1))
        }

        @Test func aLibraryTheHelperCannotLoadIsALoadError() async throws {
            let adapter = try IsolatedAdapter(
                id: "missing", libraryPath: IsolationFixtures.directory + "/libmissing.so",
                options: IsolatedAdapterOptions(helperExecutable: IsolationFixtures.helper))
            let outcome = await Result.of(adapter, "echo")
            #expect(outcome.error?.kind == .load, "\(String(describing: outcome.error))")
            #expect(outcome.error?.message.contains("libmissing.so") == true)
            await adapter.shutdown()
        }

        @Test func crashesAndShutdownLeaveNoDescriptorsThreadsOrChildren() async throws {
            _ = try IsolationFixtures.fixture("crashy")
            // Warm up once so lazily made runtime threads and descriptors count as baseline.
            let warm = try IsolationFixtures.crashy()
            _ = await Result.of(warm, "echo")
            await warm.shutdown()
            let descriptors = ProcessCounts.descriptors
            let threads = ProcessCounts.threads
            // Children left by earlier suites (zombies reparented to this process, which the
            // Bun adapter made a subreaper) are not this test's: only new ones count.
            let earlierChildren = Set(ProcessCounts.children)

            let adapter = try IsolationFixtures.crashy()
            for tool in ["segfault", "abort", "exit3"] { #expect(await Result.of(adapter, tool).error?.kind == .crashed) }
            #expect(await Result.of(adapter, "spin", timeout: .milliseconds(200)).error?.kind == .timeout)
            let pid = try #require(await Result.of(adapter, "pid").output?.objectValue?["pid"]?.intValue)
            let inFlight = Task { await Result.of(adapter, "sleep", ["ms": 60_000]) }
            try await Task.sleep(for: .milliseconds(100))
            await adapter.shutdown()
            #expect(await inFlight.value.error?.kind == .canceled)
            #expect(!ProcessCounts.isAlive(Int32(pid)))
            let left = Set(ProcessCounts.children).subtracting(earlierChildren)
            #expect(left.isEmpty, "children left: \(left.sorted())")
            #expect(await ProcessCounts.settle({ ProcessCounts.descriptors }, to: descriptors) <= descriptors)
            #expect(await ProcessCounts.settle({ ProcessCounts.threads }, to: threads) <= threads)
            #expect(await Result.of(adapter, "echo").error?.kind == .canceled)
        }
    }
}
