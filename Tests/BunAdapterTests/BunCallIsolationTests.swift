import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import Testing

/// Issue #15 item 1: on a pooled adapter a cancel or a timeout ends its own call only; the calls
/// beside it, on the same worker processes, finish with their own results.
extension BunAdapterTests {
    /// How the one bad call of the twenty is ended.
    struct StoppedCall: Sendable, CustomTestStringConvertible {
        var tool: String
        var canceled: Bool
        var testDescription: String { "\(tool) \(canceled ? "canceled" : "timed out")" }
    }

    static let stoppedCalls = [
        StoppedCall(tool: "hang", canceled: true), StoppedCall(tool: "hang", canceled: false),
        // A busy loop never yields: its thread is still stopped alone.
        StoppedCall(tool: "spin", canceled: true), StoppedCall(tool: "spin", canceled: false),
    ]

    @Test("pooled: one cancel or timeout of 20 concurrent calls ends only that call",
          .timeLimit(.minutes(3)), arguments: stoppedCalls)
    func stopOneOfTwenty(stopped: StoppedCall) async throws {
        let base = await baseline()
        let adapter = try H.adapter(mode: "pooled")
        // Warm: both workers answer before the twenty start.
        _ = await [H.outcome(adapter, "echo"), H.outcome(adapter, "echo")]
        let bad = Task {
            await H.outcome(adapter, stopped.tool, timeout: stopped.canceled ? nil : .milliseconds(1_500))
        }
        let innocents = (0..<19).map { index in
            Task { await H.outcome(adapter, "sleep", ["ms": .int(Int64(3_000 + index))]) }
        }
        if stopped.canceled {
            try await Task.sleep(for: .milliseconds(1_500))
            bad.cancel()
        }
        let outcome = await bad.value
        #expect(outcome.errorKind == (stopped.canceled ? .canceled : .timeout), "\(outcome)")
        for (index, innocent) in innocents.enumerated() {
            let result = await innocent.value
            #expect(result.value == ["slept": .int(Int64(3_000 + index))], "innocent call \(index): \(result)")
        }
        #expect(await H.outcome(adapter, "echo", ["after": true]).value == ["after": true])
        await adapter.shutdown()
        await expectBackTo(base)
    }
}
