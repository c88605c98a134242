@testable import SwitchyardAdapterHost
import SwitchyardABI
import SwitchyardJSON
import SwitchyardRuntime
import Testing

/// The call lifecycle on its own: no adapter library, no lock, no thread, no timer.
extension AdapterHostTests {
    @Suite struct AdapterCallStateMachineTests {
        typealias Machine = AdapterCallStateMachine

        static let output: JSONValue = ["text": "HI"]
        static let resultPayload = #"{"text":"HI"}"#

        /// A machine whose `start_call` returned OK.
        static func running(maxOutputBytes: Int = 1 << 20) -> Machine {
            var machine = Machine(toolID: "upper", adapterID: "textkit", maxOutputBytes: maxOutputBytes)
            #expect(machine.startReturned(SY_OK, message: nil) == .armDeadline)
            #expect(machine.phase == .running)
            return machine
        }

        @Test func normalCallStreamsEventsThenDeliversAfterRelease() {
            var machine = Machine(toolID: "upper", adapterID: "textkit", maxOutputBytes: 1 << 20)
            #expect(machine.phase == .starting)
            #expect(!machine.hasSomethingToDeliver)
            #expect(machine.send(.progress, #"{"step":1}"#) == (.accepted, .wakeConsumer))
            #expect(machine.startReturned(SY_OK, message: nil) == .armDeadline)
            #expect(machine.acceptsTimer(.deadline))
            #expect(!machine.acceptsTimer(.grace))
            #expect(machine.send(.log, "halfway", logLevel: 2) == (.accepted, .wakeConsumer))
            #expect(machine.outcome == nil)
            #expect(machine.nextEvent() == .progress(["step": 1]))
            #expect(machine.nextEvent() == .log(.info, "halfway"))
            #expect(machine.consumerPolled() == .wait)

            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream) == (.accepted, [.stopTimer, .releaseCall]))
            #expect(machine.phase == .releasing)
            #expect(machine.outcome == .success(Self.output))
            #expect(!machine.acceptsTimer(.deadline))
            // Decided, but the consumer waits for the release.
            #expect(machine.consumerPolled() == .wait)
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            #expect(machine.hasSomethingToDeliver)
            #expect(machine.nextOutcome() == .success(Self.output))
            #expect(machine.phase == .delivered)
            #expect(machine.consumerPolled() == .end)
        }

        @Test func answerInsideStartCallIsReleasedOnlyAfterItReturns() {
            var machine = Machine(toolID: "upper", adapterID: "textkit", maxOutputBytes: 1 << 20)
            #expect(machine.send(.result, #"{"text":"H"#, flags: .more) == (.accepted, []))
            #expect(machine.send(.result, #"I"}"#, flags: .endOfStream) == (.accepted, .stopTimer))
            #expect(machine.phase == .startingEnded)
            #expect(machine.outcome == .success(Self.output))
            #expect(machine.consumerPolled() == .wait)
            #expect(machine.startReturned(SY_OK, message: nil) == [.stopTimer, .releaseCall])
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            #expect(machine.nextOutcome() == .success(Self.output))
        }

        @Test func failedStartReleasesNothingAndOverridesFrames() {
            var machine = Machine(toolID: "upper", adapterID: "textkit", maxOutputBytes: 1 << 20)
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream).answer == .accepted)
            #expect(machine.startReturned(SY_E_NOT_FOUND, message: "no tool upper") == [.unregister, .retire, .wakeConsumer])
            let error = machine.nextFailure()
            #expect(error?.kind == .notFound)
            #expect(error?.message == #"tool "upper" (adapter textkit): no tool upper"#)
            #expect(machine.send(.progress, "1") == (.ended, []))
            #expect(machine.cancelRequested(reason: "late") == [])
        }

        @Test func failedStartWithoutMessageNamesTheStatus() {
            var machine = Machine(toolID: "upper", adapterID: "textkit", maxOutputBytes: 1 << 20)
            #expect(machine.startReturned(SY_E_INTERNAL, message: nil) == [.unregister, .retire, .wakeConsumer])
            let error = machine.nextFailure()
            #expect(error?.kind == .toolError)
            #expect(error?.message == #"tool "upper" (adapter textkit): start_call failed with SY_E_INTERNAL"#)
        }

        @Test func cancelDuringStartIsIssuedAfterStartReturns() {
            var machine = Machine(toolID: "upper", adapterID: "textkit", maxOutputBytes: 1 << 20)
            #expect(machine.cancelRequested(reason: "the call was canceled") == [])
            #expect(machine.phase == .startingCancelPending)
            guard case .failure(let error) = machine.outcome else {
                Issue.record("expected a failure, got \(String(describing: machine.outcome))")
                return
            }
            #expect(error.kind == .canceled)
            #expect(error.message == #"tool "upper" (adapter textkit): the call was canceled"#)
            #expect(machine.startReturned(SY_OK, message: nil) == [.cancelCall, .armGraceTimer])
            #expect(!machine.acceptsTimer(.deadline))
            #expect(machine.acceptsTimer(.grace))
            // Frames while canceling are drained, not decoded.
            #expect(machine.send(.progress, "not even json") == (.accepted, []))
            #expect(machine.consumerPolled() == .wait)
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream) == (.accepted, [.stopTimer, .releaseCall]))
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            #expect(machine.nextFailure()?.kind == .canceled)
        }

        @Test func terminalFrameDuringStartAfterCancelSkipsTheCancel() {
            var machine = Machine(toolID: "upper", adapterID: "textkit", maxOutputBytes: 1 << 20)
            #expect(machine.cancelRequested(reason: "gone") == [])
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream) == (.accepted, .stopTimer))
            #expect(machine.startReturned(SY_OK, message: nil) == [.stopTimer, .releaseCall])
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            #expect(machine.nextFailure()?.kind == .canceled)
        }

        @Test func deadlineThenTerminalFrameKeepsTheTimeout() {
            var machine = Self.running()
            #expect(machine.deadlinePassed(budget: .seconds(1)) == [.stopTimer, .cancelCall, .armGraceTimer])
            // First decision wins: later deadlines, cancels and the tool's own result change nothing.
            #expect(machine.deadlinePassed(budget: .seconds(1)) == [])
            #expect(machine.cancelRequested(reason: "gone") == [])
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream) == (.accepted, [.stopTimer, .releaseCall]))
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            let error = machine.nextFailure()
            #expect(error?.kind == .timeout)
            #expect(error?.message == #"tool "upper" (adapter textkit) passed its deadline of 1.0 seconds"#)
        }

        @Test func graceExpiryGivesUpReleasesAndCountsAbandoned() {
            var machine = Self.running()
            #expect(machine.deadlinePassed(budget: nil) == [.stopTimer, .cancelCall, .armGraceTimer])
            #expect(machine.graceExpired() == [.stopTimer, .releaseCall, .abandon])
            #expect(machine.graceExpired() == [])
            #expect(!machine.acceptsTimer(.grace))
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream) == (.ended, []))
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            let error = machine.nextFailure()
            #expect(error?.message == #"tool "upper" (adapter textkit) passed its deadline"#)
        }

        @Test func framesAfterTheEndAreEnded() {
            var machine = Self.running()
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream).answer == .accepted)
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream) == (.ended, []))
            #expect(machine.send(.progress, "1") == (.ended, []))
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            #expect(machine.send(.error, #"{"kind":"tool_error","message":"late"}"#, flags: .endOfStream) == (.ended, []))
            #expect(machine.nextOutcome() == .success(Self.output))
            #expect(machine.send(.log, "after delivery") == (.ended, []))
            #expect(machine.releaseFinished() == [])
        }

        @Test func errorFrameDecidesTheAdaptersError() {
            var machine = Self.running()
            let frame = #"{"kind":"not_found","message":"no such file"}"#
            #expect(machine.send(.error, frame, flags: .endOfStream) == (.accepted, [.stopTimer, .releaseCall]))
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            let error = machine.nextFailure()
            #expect(error?.kind == .notFound)
            #expect(error?.message.contains("no such file") == true)
        }

        @Test func protocolErrorInANonTerminalFrameCancels() {
            var machine = Self.running()
            #expect(machine.send(.progress, "{") == (.rejected, [.stopTimer, .cancelCall, .armGraceTimer]))
            #expect(machine.phase == .canceling)
            guard case .failure(let error) = machine.outcome else {
                Issue.record("expected a failure, got \(String(describing: machine.outcome))")
                return
            }
            #expect(error.kind == .protocol)
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream) == (.accepted, [.stopTimer, .releaseCall]))
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            #expect(machine.nextFailure()?.kind == .protocol)
        }

        @Test func protocolErrorDuringStartCancelsOnceItReturns() {
            var machine = Machine(toolID: "upper", adapterID: "textkit", maxOutputBytes: 1 << 20)
            #expect(machine.send(.progress, "{") == (.rejected, []))
            #expect(machine.startReturned(SY_OK, message: nil) == [.cancelCall, .armGraceTimer])
        }

        @Test func protocolErrorInTheTerminalFrameEndsTheCall() {
            var machine = Self.running()
            #expect(machine.send(.result, "{", flags: .endOfStream) == (.rejected, [.stopTimer, .releaseCall]))
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            #expect(machine.nextFailure()?.kind == .protocol)
        }

        @Test func outputLimitCancelsTheCall() {
            var machine = Self.running(maxOutputBytes: 8)
            #expect(machine.send(.progress, #"{"a":"0123456789"}"#) == (.rejected, [.stopTimer, .cancelCall, .armGraceTimer]))
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream) == (.accepted, [.stopTimer, .releaseCall]))
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            #expect(machine.nextFailure()?.kind == .outputLimit)
        }

        @Test func consumerCancelAfterTheEndIsANoOp() {
            var machine = Self.running()
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream).answer == .accepted)
            #expect(machine.cancelRequested(reason: "late") == [])
            #expect(machine.deadlinePassed(budget: nil) == [])
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
            #expect(machine.nextOutcome() == .success(Self.output))
            #expect(machine.cancelRequested(reason: "the call's stream was dropped") == [])
            #expect(machine.phase == .delivered)
            #expect(machine.consumerPolled() == .end)
        }

        @Test func aRunningCancelHookDelaysRetirement() {
            var machine = Self.running()
            #expect(machine.cancelRequested(reason: "stop") == [.stopTimer, .cancelCall, .armGraceTimer])
            #expect(machine.cancelHookStarting() == true)
            #expect(machine.hooksInFlight == 1)
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream) == (.accepted, [.stopTimer, .releaseCall]))
            #expect(machine.releaseFinished() == [])
            #expect(machine.phase == .awaitingCancelHook)
            #expect(!machine.hasSomethingToDeliver)
            #expect(machine.consumerPolled() == .wait)
            // Once released, no further cancel_call reaches the adapter.
            #expect(machine.cancelHookStarting() == false)
            #expect(machine.cancelHookFinished() == [.retire, .wakeConsumer])
            #expect(machine.nextFailure()?.kind == .canceled)
        }

        @Test func aCancelHookThatReturnsBeforeTheReleaseChangesNothing() {
            var machine = Self.running()
            #expect(machine.cancelRequested(reason: "stop") == [.stopTimer, .cancelCall, .armGraceTimer])
            #expect(machine.cancelHookStarting() == true)
            #expect(machine.cancelHookFinished() == [])
            #expect(machine.send(.result, Self.resultPayload, flags: .endOfStream).answer == .accepted)
            #expect(machine.releaseFinished() == [.retire, .wakeConsumer])
        }
    }
}

extension AdapterCallStateMachine {
    /// Feeds one frame whose payload is `text`'s UTF-8.
    mutating func send(_ kind: FrameStreamDecoder.Kind, _ text: String, flags: FrameStreamDecoder.Flags = [],
                       logLevel: Int32 = 0) -> (answer: FrameAnswer, actions: Actions) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { frameReceived(kind: kind, flags: flags, logLevel: logLevel, payload: $0) }
    }

    mutating func nextEvent() -> ToolEvent? {
        if case .event(let event) = consumerPolled() { return event }
        return nil
    }

    mutating func nextOutcome() -> Outcome? {
        if case .outcome(let outcome) = consumerPolled() { return outcome }
        return nil
    }

    mutating func nextFailure() -> ToolError? {
        if case .failure(let error) = nextOutcome() { return error }
        return nil
    }
}
