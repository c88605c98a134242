import Foundation
import Testing
import SwitchyardHost

/// `ProjectHost` over real parts: a project directory, the textkit C adapter loaded with
/// dlopen from the build directory, and a SQLite store file.
@Suite(.timeLimit(.minutes(1)))
struct ProjectHostTests {
    @Test func opensAProjectAndRunsAWorkflowOnItsStore() async throws {
        try await HostTestProject.withHost { host, directory in
            let result = try await host.run(workflowID: "measure", input: ["text": "embed the runtime"])
            #expect(result.status == .success)
            #expect(result.output == ["words": 3, "loud": "EMBED THE RUNTIME"])
            #expect(FileManager.default.fileExists(atPath: directory + "/.switchyard/state.sqlite"))
            #expect(host.adapterKeys == ["textkit"])
            #expect(host.adapterDirectories.first == HostTestProject.buildDirectory)
        }
    }

    @Test func resumeRefusesAnUnknownExecution() async throws {
        try await HostTestProject.withHost { host, _ in
            do {
                _ = try await host.resume(execID: "no-such-exec")
                Issue.record("an unknown execution resumed")
            } catch let error as HostError {
                #expect(error.code == .unknownExecution)
                #expect(error.message.contains("no-such-exec"))
            }
        }
    }

    @Test func aFinishedExecutionResumesToItsRecordedResult() async throws {
        try await HostTestProject.withHost { host, _ in
            let first = try await host.run(workflowID: "measure")
            let again = try await host.resume(execID: first.execID)
            #expect(again == first)
        }
    }

    @Test func unknownWorkflowAndBadInputAreTypedRefusals() async throws {
        try await HostTestProject.withHost { host, _ in
            await #expect { try await host.run(workflowID: "nope") } throws: {
                ($0 as? HostError)?.code == .unknownWorkflow
            }
            await #expect { try await host.run(workflowID: "measure", input: ["text": 5]) } throws: {
                ($0 as? HostError)?.code == .invalidInput
            }
        }
    }

    @Test func callsOneToolLoadingOnlyItsAdapterAndNoStore() async throws {
        try await HostTestProject.withHost(.onFirstUse) { host, directory in
            let output = try await host.callTool("word_count", input: ["text": "one two three"])
            #expect(output == ["words": 3, "chars": 13])
            #expect(!FileManager.default.fileExists(atPath: directory + "/.switchyard"))
        }
    }

    @Test func anUnknownToolIsNotFoundListingTheDeclaredTools() async throws {
        try await HostTestProject.withHost(.onFirstUse) { host, _ in
            do {
                _ = try await host.callTool("nope")
                Issue.record("an unknown tool was called")
            } catch let error as HostError {
                #expect(error.code == .unknownTool)
                #expect(error.toolError?.kind == .notFound)
                #expect(error.description == "error[not_found]: unknown tool \"nope\"; declared tools: upper, word_count")
            }
        }
    }

    @Test func aFailedCallKeepsTheToolsErrorKind() async throws {
        try await HostTestProject.withHost(.onFirstUse) { host, _ in
            do {
                _ = try await host.callTool("word_count", input: ["text": 5])
                Issue.record("bad input was accepted")
            } catch let error as HostError {
                #expect(error.code == .toolFailed)
                #expect(error.toolError?.kind == .invalidInput)
                #expect(error.description.hasPrefix("error[invalid_input]:"))
            }
        }
    }

    @Test func describesDeclaredToolsAndWhatTheAdapterOffers() async throws {
        try await HostTestProject.withHost(.onFirstUse) { host, _ in
            #expect(host.declaredTools.map(\.id) == ["word_count", "upper"])
            #expect(host.declaredTools.first?.description == "Counts words and characters.")
            let offered = try await host.describeTools()
            #expect(Set(offered.keys) == ["textkit"])
            let offeredIDs = Set(offered["textkit"]?.map(\.id) ?? [])
            #expect(offeredIDs.isSuperset(of: ["word_count", "upper"]))
        }
    }

    @Test func shutdownIsIdempotentAndStopsTheHost() async throws {
        try await HostTestProject.withHost { host, _ in
            _ = try await host.callTool("upper", input: ["text": "a"])
            async let first: Void = host.shutdown()
            async let second: Void = host.shutdown()
            _ = await (first, second)
            await host.shutdown()
            #expect(host.isShutDown)
            await #expect { try await host.callTool("upper", input: ["text": "a"]) } throws: {
                ($0 as? HostError)?.code == .shutDown
            }
            await #expect { try await host.run(workflowID: "measure") } throws: {
                ($0 as? HostError)?.code == .shutDown
            }
        }
    }
}
