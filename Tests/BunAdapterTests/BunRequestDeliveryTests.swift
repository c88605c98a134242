import SwitchyardJSON
import SwitchyardRuntime
import Testing

/// How a request reaches its worker and how the answer comes back, in both modes: per_call on
/// Bun passes small requests in the environment and large ones on stdin, and sizes an answer
/// by its string length only when it is ASCII.
extension BunAdapterTests {
    @Test("requests too big for the environment go through stdin", .timeLimit(.minutes(1)),
          arguments: ["pooled", "per_call"])
    func largeRequest(mode: String) async throws {
        let adapter = try H.adapter(mode: mode)
        // Around the 64 KiB switch-over, and far beyond Linux's 128 KiB limit for one variable.
        for size in [100, 64 * 1024 - 80, 64 * 1024 + 80, 300 * 1024] {
            let text = String(repeating: "a", count: size - 3) + "end"
            let outcome = await H.outcome(adapter, "length", ["text": .string(text)])
            #expect(outcome.value == ["length": .int(Int64(size)), "tail": "end"], "\(mode) \(size): \(outcome)")
        }
        await adapter.shutdown()
    }

    @Test("non-ASCII answers keep their bytes", .timeLimit(.minutes(1)), arguments: ["pooled", "per_call"])
    func unicodeAnswer(mode: String) async throws {
        let adapter = try H.adapter(mode: mode)
        let outcome = await H.outcome(adapter, "unicode", ["suffix": "ünï"])
        #expect(outcome.value == ["text": "héllo ✓ 😀 ünï", "hyphen": "\u{2011}"], "\(outcome)")
        // Past the worker's ASCII fast path's size, where it measures bytes instead.
        let long = String(repeating: "é", count: 70_000)
        let echoed = await H.outcome(adapter, "echo", ["text": .string(long)])
        #expect(echoed.value?["text"]?.stringValue == long)
        await adapter.shutdown()
    }

    @Test("per_call: the call's env is the process environment, the request variable is not",
          .timeLimit(.minutes(1)))
    func perCallEnvironment() async throws {
        let adapter = try H.adapter(mode: "per_call")
        let outcome = await H.outcome(adapter, "importenv", env: ["SY_AT_IMPORT": "seen at import"])
        #expect(outcome.value == ["atImport": "seen at import", "request": .null], "\(outcome)")
        let next = await H.outcome(adapter, "importenv")
        #expect(next.value == ["atImport": .null, "request": .null], "\(next)")
        let reserved = await H.outcome(adapter, "echo", env: ["SWITCHYARD_REQUEST": "{}"])
        #expect(reserved.errorKind == .invalidInput && reserved.errorMessage.contains("reserved"), "\(reserved)")
        await adapter.shutdown()
    }

    @Test("an entrypoint with top-level await loads", .timeLimit(.minutes(1)), arguments: ["pooled", "per_call"])
    func topLevelAwait(mode: String) async throws {
        let adapter = try H.adapter(mode: mode, entrypoint: "toplevel-await.mjs")
        #expect(await H.outcome(adapter, "greet", ["name": "ada"]).value == ["greeting": "awaited ada"])
        await adapter.shutdown()
    }

    @Test("per_call: a TypeScript entrypoint with named exports", .timeLimit(.minutes(1)))
    func perCallTypeScript() async throws {
        let adapter = try H.adapter(mode: "per_call", entrypoint: "named.ts")
        #expect(await H.outcome(adapter, "greet", ["name": "ada"]).value == ["greeting": "hello ada"])
        #expect(try await adapter.describe().map(\.id) == ["greet", "shout"])
        await adapter.shutdown()
    }
}
