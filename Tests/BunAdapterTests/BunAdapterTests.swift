import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import Testing
import SwitchyardAdapterHost
import SwitchyardTestSupport

/// One serialized suite: the tests count process-wide descriptors, threads and processes, so
/// they must not overlap.
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(10)))
struct BunAdapterTests {
    typealias H = BunAdapterHarness

    func baseline() async -> H.Resources {
        await Warmup.shared.run()
        return await H.settle(to: H.resources())
    }

    func expectBackTo(_ baseline: H.Resources) async {
        let after = await H.settle(to: baseline)
        #expect(after.descriptors <= baseline.descriptors, "descriptors: \(after) vs baseline \(baseline)")
        #expect(after.threads <= baseline.threads, "threads: \(after) vs baseline \(baseline); now: \(H.threadNames())")
        #expect(after.markedProcesses == 0, "processes left: \(after)")
    }

    @Test("compozy convention: wrapping, progress, env, describe", .timeLimit(.minutes(2)),
          arguments: ["pooled", "per_call"])
    func convention(mode: String) async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: mode)
        #expect(await H.outcome(adapter, "echo", ["x": 1]).value == ["x": 1])
        #expect(await H.outcome(adapter, "add", ["a": 1, "b": 2]).value == ["value": 3])
        #expect(await H.outcome(adapter, "list").value == ["value": [1, "two", 3]])
        #expect(await H.outcome(adapter, "nothing").value == .emptyObject)
        #expect(await H.outcome(adapter, "text").value == ["value": "plain"])

        var events: [ToolEvent] = []
        for try await event in adapter.call(ToolCallRequest(toolID: "progress", config: ["k": "v"])) {
            if case .log = event { continue }
            events.append(event)
        }
        #expect(events == [.progress(["step": 1]), .progress(["step": 2]), .result(["done": true, "config": ["k": "v"]])])

        let applied = await H.outcome(adapter, "envread", ["key": "SY_TEST_VALUE"], env: ["SY_TEST_VALUE": "applied"])
        #expect(applied.value == ["value": "applied"])
        let restored = await H.outcome(adapter, "envread", ["key": "SY_TEST_VALUE"])
        #expect(restored.value == ["value": .null])

        let tools = try await adapter.describe().map(\.id)
        #expect(tools.contains("echo") && tools.contains("progress") && tools.contains("spin"))
        await adapter.shutdown()
        await expectBackTo(base)
    }

    @Test("named exports from a TypeScript entrypoint", .timeLimit(.minutes(1)))
    func namedExports() async throws {
        let adapter = try H.adapter(mode: "pooled", entrypoint: "named.ts")
        #expect(await H.outcome(adapter, "greet", ["name": "ada"]).value == ["greeting": "hello ada"])
        #expect(await H.outcome(adapter, "shout", ["text": "hi"]).value == ["value": "HI"])
        await adapter.shutdown()
    }

    /// One misbehaving tool, with good calls alongside; the bad call's kind is checked and the
    /// good ones must succeed; afterwards nothing is left behind.
    struct BadCase: Sendable, CustomTestStringConvertible {
        var tool: String
        var input: JSONValue = .emptyObject
        var kind: ToolError.Kind?
        var messageContains: String = ""
        var timeout: Duration? = nil
        var testDescription: String { tool }
    }

    static let badCases: [BadCase] = [
        BadCase(tool: "hang", kind: .timeout, timeout: .milliseconds(400)),
        BadCase(tool: "spin", kind: .timeout, timeout: .milliseconds(400)),
        BadCase(tool: "exit3", kind: .crashed, messageContains: "status 3"),
        BadCase(tool: "sigkill", kind: .crashed, messageContains: "signal 9"),
        BadCase(tool: "segv", kind: .crashed, messageContains: "signal 11"),
        BadCase(tool: "grandchild", kind: nil),
        BadCase(tool: "big", kind: .outputLimit),
        BadCase(tool: "stderrflood", kind: nil),
        BadCase(tool: "garbage", kind: .protocol, messageContains: "this is not the protocol"),
        BadCase(tool: "badutf8", kind: .protocol, messageContains: "UTF-8"),
        BadCase(tool: "fail", kind: .toolError, messageContains: "boom from fail"),
        BadCase(tool: "bigint", kind: .toolError, messageContains: "cannot serialize the output"),
        BadCase(tool: "missing", kind: .notFound, messageContains: "available: add, badutf8, big, bigint"),
        BadCase(tool: "../escape", kind: .invalidInput, messageContains: ".."),
    ]

    @Test("bad tools fail alone and leave nothing behind", .timeLimit(.minutes(4)),
          arguments: ["pooled", "per_call"], badCases)
    func badTool(mode: String, bad: BadCase) async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: mode, extra: ["max_stderr_bytes": 65536])
        async let badOutcome = H.outcome(adapter, bad.tool, bad.input, timeout: bad.timeout)
        // Good calls run alongside, one at a time, so a pool places them on the other worker.
        var good: [Result<JSONValue, ToolError>] = []
        for index in 0..<3 {
            good.append(await H.outcome(adapter, "sleep", ["ms": .int(Int64(20 * index))]))
        }
        let outcome = await badOutcome
        #expect(outcome.errorKind == bad.kind, "\(bad.tool): \(outcome)")
        if !bad.messageContains.isEmpty {
            #expect(outcome.errorMessage.contains(bad.messageContains), "\(bad.tool): \(outcome.errorMessage.prefix(400))")
        }
        for result in good { #expect(result.value?["slept"] != nil, "a good call beside \(bad.tool) failed: \(result)") }
        // The adapter still works after the bad call.
        #expect(await H.outcome(adapter, "echo", ["after": true]).value == ["after": true])
        await adapter.shutdown()
        await expectBackTo(base)
    }

    @Test("denied env keys and control characters are rejected at start", .timeLimit(.minutes(1)))
    func envValidation() async throws {
        let adapter = try H.adapter(mode: "pooled")
        for env in [["LD_PRELOAD": "x"], ["DYLD_INSERT_LIBRARIES": "x"], ["lower": "x"], ["OK": "a\u{1}b"]] {
            let outcome = await H.outcome(adapter, "echo", env: env)
            #expect(outcome.errorKind == .invalidInput, "\(env): \(outcome)")
        }
        await adapter.shutdown()
    }

    @Test("bad config names the field", .timeLimit(.minutes(1)))
    func badConfig() throws {
        let library = try AdapterLibrary.load(H.libraryPath)
        for (config, field) in [(["entrypoint": "relative.js"] as JSONValue, "entrypoint"),
                                (["entrypoint": "/x.js", "mode": "sometimes"], "mode"),
                                (["entrypoint": "/x.js", "workers": 0], "workers")] {
            #expect {
                _ = try LibraryAdapter(id: "bun", library: library, config: config)
            } throws: { error in
                (error as? ToolError)?.kind == .invalidInput && "\(error)".contains(field)
            }
        }
    }

    @Test("an entrypoint that fails to import fails every call clearly", .timeLimit(.minutes(1)),
          arguments: ["pooled", "per_call"])
    func brokenEntrypoint(mode: String) async throws {
        let adapter = try H.adapter(mode: mode, entrypoint: "broken.js")
        let outcome = await H.outcome(adapter, "never")
        #expect(outcome.errorKind == .toolError)
        #expect(outcome.errorMessage.contains("broken.js"), "\(outcome)")
        await adapter.shutdown()
    }

    @Test("200 concurrent calls on a pool of 2", .timeLimit(.minutes(2)))
    func concurrentCalls() async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "pooled")
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    await H.outcome(adapter, "echo", ["n": .int(Int64(index))]).value == ["n": .int(Int64(index))]
                }
            }
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(results == 200)
        await adapter.shutdown()
        await expectBackTo(base)
    }

    @Test("1,000 timed-out or canceled calls leave nothing behind", .timeLimit(.minutes(6)))
    func manyTimeouts() async throws {
        let base = await baseline()
        var total = 0
        for (mode, count) in [("per_call", 500), ("pooled", 500)] {
            let adapter = try H.adapter(mode: mode)
            let kinds = await withTaskGroup(of: ToolError.Kind?.self) { group in
                var kinds: [ToolError.Kind?] = []
                for index in 0..<count {
                    if index >= 8, let kind = await group.next() { kinds.append(kind) }
                    group.addTask {
                        if index % 2 == 0 {
                            return await H.outcome(adapter, "hang", timeout: .milliseconds(30)).errorKind
                        }
                        let task = Task { await H.outcome(adapter, "hang") }
                        try? await Task.sleep(for: .milliseconds(15))
                        task.cancel()
                        return await task.value.errorKind
                    }
                }
                for await kind in group { kinds.append(kind) }
                return kinds
            }
            total += kinds.count
            let unexpected = kinds.filter { ![.timeout, .canceled, .crashed].contains($0) }
            #expect(unexpected.isEmpty, "\(mode): unexpected outcomes \(unexpected.prefix(5))")
            #expect(await H.outcome(adapter, "echo", ["ok": true]).value == ["ok": true])
            await adapter.shutdown()
        }
        #expect(total == 1000)
        await expectBackTo(base)
    }

    @Test("node runs the same worker", .timeLimit(.minutes(2)), arguments: ["pooled", "per_call"])
    func nodeRuntime(mode: String) async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: mode, runtime: "node")
        #expect(await H.outcome(adapter, "add", ["a": 2, "b": 3]).value == ["value": 5])
        #expect(await H.outcome(adapter, "envread", ["key": "SY_N"], env: ["SY_N": "node"]).value == ["value": "node"])
        #expect(await H.outcome(adapter, "hang", timeout: .milliseconds(300)).errorKind == .timeout)
        #expect(await H.outcome(adapter, "fail").errorKind == .toolError)
        await adapter.shutdown()
        await expectBackTo(base)
    }

    @Test("deno runs the same worker (skipped when `pip install deno` is not done)", .timeLimit(.minutes(2)),
          arguments: ["pooled", "per_call"])
    func denoRuntime(mode: String) async throws {
        let adapter: LibraryAdapter
        do { adapter = try H.adapter(mode: mode, runtime: "deno") } catch {
            print("SKIPPED deno runtime test: \(error) (run `pip install deno` to enable it)")
            return
        }
        let added = await H.outcome(adapter, "add", ["a": 2, "b": 5])
        #expect(added.value == ["value": 7], "\(added)")
        #expect(await H.outcome(adapter, "envread", ["key": "SY_D"], env: ["SY_D": "deno"]).value == ["value": "deno"])
        #expect(await H.outcome(adapter, "hang", timeout: .milliseconds(300)).errorKind == .timeout)
        await adapter.shutdown()
    }
}

/// Warms up process-wide machinery (dlopen, subprocess's monitor thread, the cooperative pool)
/// once, so no baseline is taken before it exists.
actor Warmup {
    static let shared = Warmup()
    private var done = false

    func run() async {
        guard !done else { return }
        done = true
        for mode in ["pooled", "per_call"] {
            if let adapter = try? BunAdapterHarness.adapter(mode: mode) {
                _ = await BunAdapterHarness.outcome(adapter, "echo", ["x": 1])
                _ = await BunAdapterHarness.outcome(adapter, "hang", timeout: .milliseconds(100))
                await adapter.shutdown()
            }
        }
    }
}
