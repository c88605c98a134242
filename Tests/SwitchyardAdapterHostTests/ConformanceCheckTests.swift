import SwitchyardJSON
import SwitchyardAdapterHost
import SwitchyardRuntime
import Testing

extension AdapterHostTests {
    /// `plugin check` as authors meet it: a conformant plugin whose tool rejects `{}` passes, and
    /// each protocol break of Fixtures/check_cases.c and deaf_sleeper.c fails the step it belongs to.
    @Suite struct ConformanceCheckTests {
        static func steps(_ fixture: String, tool: String? = nil, input: JSONValue? = nil,
                          callTimeout: Duration = .seconds(10), cancelGrace: Duration = .seconds(2))
            async throws -> (passed: Bool, steps: [String: AdapterConformanceCheck.Step])
        {
            let check = AdapterConformanceCheck(callTimeout: callTimeout, cancelGrace: cancelGrace,
                                                settle: .milliseconds(500), tool: tool, input: input)
            var steps: [String: AdapterConformanceCheck.Step] = [:]
            let passed = await check.run(libraryPath: try TestLibraries.fixture(fixture)) { steps[$0.name] = $0 }
            return (passed, steps)
        }

        @Test func aConformantToolThatRejectsEmptyInputPasses() async throws {
            let (passed, steps) = try await Self.steps("check_cases")
            #expect(passed, "\(steps.values.map(\.line))")
            #expect(steps["call"]?.detail == #"echo {"word":"switchyard"} → result {"word":"switchyard"}"#)
            #expect(steps.keys.sorted() == ["call", "cancel", "create", "describe", "destroy", "handshake", "load", "release"])
        }

        @Test func theInputSchemaPicksTextkitsInput() async throws {
            let check = AdapterConformanceCheck()
            var lines: [String] = []
            #expect(await check.run(libraryPath: TestLibraries.textKitSwiftPM) { lines.append($0.line) })
            #expect(lines.contains(#"ok call upper {"text":"switchyard"} → result {"text":"SWITCHYARD"}"#))
            #expect(lines.contains("ok cancel sleep ended canceled"))
        }

        @Test func givenToolAndInputAreCalled() async throws {
            let (passed, steps) = try await Self.steps("check_cases", tool: "echo", input: ["word": "given"])
            #expect(passed)
            #expect(steps["call"]?.detail.hasSuffix(#"→ result {"word":"given"}"#) == true)
        }

        @Test func anUnknownGivenToolFailsNamingTheTools() async throws {
            let (passed, steps) = try await Self.steps("check_cases", tool: "nope")
            #expect(!passed)
            #expect(steps["call"]?.detail.contains("echo, terminal_then_fail") == true)
        }

        @Test func aTerminalFrameFollowedByAFailingStatusFails() async throws {
            let (passed, steps) = try await Self.steps("check_cases", tool: "terminal_then_fail")
            #expect(!passed)
            #expect(steps["call"]?.passed == false)
            #expect(steps["call"]?.detail.contains("returned SY_E_INTERNAL") == true)
            #expect(steps["call"]?.detail.contains("after sending a terminal frame") == true)
        }

        @Test func framesAfterReleaseFail() async throws {
            let (passed, steps) = try await Self.steps("check_cases", tool: "late_frames")
            #expect(!passed)
            #expect(steps["call"]?.passed == true)
            #expect(steps["release"]?.passed == false)
            #expect(steps["release"]?.detail.contains("frames for late_frames after release_call") == true)
        }

        @Test func aCallThatNeverEndsFailsAndIsReportedUnreleased() async throws {
            let (passed, steps) = try await Self.steps("check_cases", tool: "never_ends", callTimeout: .milliseconds(200),
                                                       cancelGrace: .milliseconds(100))
            #expect(!passed)
            #expect(steps["call"]?.detail.contains("no terminal frame within") == true)
            #expect(steps["release"]?.detail.contains("released without a terminal frame") == true)
        }

        @Test func aCancelThatDoesNotEndTheCallWithinTheGraceFails() async throws {
            let (passed, steps) = try await Self.steps("deaf_sleeper", cancelGrace: .milliseconds(200))
            #expect(!passed)
            #expect(steps["call"]?.passed == true)
            #expect(steps["cancel"]?.passed == false)
            #expect(steps["cancel"]?.detail.contains("no terminal frame within 0.2 seconds of cancel_call") == true)
        }
    }
}
