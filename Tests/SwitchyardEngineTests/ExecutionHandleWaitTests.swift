import Testing
import SwitchyardJSON
@testable import SwitchyardEngine

/// `ExecutionHandle.result(waitingAtMost:)`, the wait behind the sync API: a run that finished
/// is never reported as timed out, and a wait that got its answer leaves no timer running.
@Suite(.timeLimit(.minutes(2)))
struct ExecutionHandleWaitTests {
    static func finishedHandle(_ index: Int) -> ExecutionHandle {
        let result = WorkflowResult(execID: "e\(index)", workflowID: "wf", status: .success, output: .emptyObject,
                                    error: nil)
        return ExecutionHandle(execID: "e\(index)", task: Task { result })
    }

    /// Before the fix, the result path canceled the timer before claiming the answer and the
    /// timer's sleep swallowed the cancellation, so the timer could claim first: about one wait
    /// in 20,000 answered "timed out" for a run that had ended.
    @Test func aFinishedRunIsNeverAnsweredAsTimedOut() async {
        let waits = 40_000
        let timedOut = await withTaskGroup(of: Bool.self) { group in
            var missed = 0
            for index in 0..<waits {
                group.addTask { await Self.finishedHandle(index).result(waitingAtMost: .seconds(60)) == nil }
                if index >= 64, let missedOne = await group.next(), missedOne { missed += 1 }
            }
            for await missedOne in group where missedOne { missed += 1 }
            return missed
        }
        #expect(timedOut == 0, "\(timedOut) of \(waits) finished runs were answered as timed out")
    }

    @Test func aWaitPastItsLimitAnswersNilAndTheRunGoesOn() async {
        let gate = AsyncStream<Void>.makeStream()
        let result = WorkflowResult(execID: "slow", workflowID: "wf", status: .success, output: .emptyObject, error: nil)
        let handle = ExecutionHandle(execID: "slow", task: Task {
            for await _ in gate.stream {}
            return result
        })
        #expect(await handle.result(waitingAtMost: .milliseconds(20)) == nil)
        gate.continuation.finish()
        #expect(await handle.result().status == .success)
    }
}
