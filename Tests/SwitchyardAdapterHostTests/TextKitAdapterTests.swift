import SwitchyardJSON
import SwitchyardAdapterHost
import SwitchyardRuntime
import Testing

extension AdapterHostTests {
    @Suite struct TextKitAdapterTests {
        @Test(arguments: ["swiftpm", "plain-cc"])
        func everyToolAnswers(build: String) async throws {
            let adapter = try TestLibraries.textKit(path: build == "swiftpm" ? TestLibraries.textKitSwiftPM : try TestLibraries.textKitPlainCC())
            let tools = try await adapter.describe()
            #expect(tools.map(\.id) == ["upper", "word_count", "reverse", "slugify", "count_to", "sleep"])
            #expect(tools[0].inputSchema?["required"] == ["text"])
            #expect(try await adapter.run(ToolCallRequest(toolID: "upper", input: ["text": "héllo \"w\""])) == ["text": "HéLLO \"W\""])
            #expect(try await adapter.run(ToolCallRequest(toolID: "word_count", input: ["text": " two  wörds\n"])) == ["words": 2, "chars": 12])
            #expect(try await adapter.run(ToolCallRequest(toolID: "reverse", input: ["text": "añb😀"])) == ["text": "😀bña"])
            #expect(try await adapter.run(ToolCallRequest(toolID: "slugify", input: ["text": "  Hello, World! 2x "])) == ["text": "hello-world-2x"])
            #expect(try await adapter.run(ToolCallRequest(toolID: "sleep", input: ["ms": 5])) == ["slept_ms": 5])
            await adapter.shutdown()
            #expect(adapter.callCounts.started == adapter.callCounts.retired)
        }

        @Test func countToStreamsProgressBeforeTheResult() async throws {
            let adapter = try TestLibraries.textKit()
            var events: [ToolEvent] = []
            let output = try await adapter.run(ToolCallRequest(toolID: "count_to", input: ["n": 3])) { events.append($0) }
            #expect(output == ["count": 3])
            #expect(events == [.progress(["i": 1]), .progress(["i": 2]), .progress(["i": 3])])
            await adapter.shutdown()
        }

        @Test func badInputNamesTheField() async throws {
            let adapter = try TestLibraries.textKit()
            let asFrame = await Result.of(adapter, ToolCallRequest(toolID: "upper", input: ["text": 5]))
            #expect(asFrame.error?.kind == .invalidInput)
            #expect(asFrame.error?.message.contains("\"text\"") == true)
            let atStart = await Result.of(adapter, ToolCallRequest(toolID: "count_to", input: ["m": 1]))
            #expect(atStart.error?.kind == .invalidInput)
            #expect(atStart.error?.message.contains("\"n\"") == true)
            let unknown = await Result.of(adapter, ToolCallRequest(toolID: "shout"))
            #expect(unknown.error?.kind == .notFound)
            #expect(unknown.error?.message.contains("shout") == true)
            await adapter.shutdown()
        }

        @Test func theDeadlineEndsASlowCallAsTimeout() async throws {
            let adapter = try TestLibraries.textKit()
            let outcome = await Result.of(adapter, ToolCallRequest(toolID: "sleep", input: ["ms": 30_000], timeout: .milliseconds(50)))
            #expect(outcome.error?.kind == .timeout)  // even though textkit reported "canceled"
            #expect(adapter.callCounts.abandoned == 0)
            await adapter.shutdown()
        }

        @Test func cancelingTheConsumingTaskCancelsTheCall() async throws {
            let adapter = try TestLibraries.textKit()
            let consumer = Task { await Result.of(adapter, ToolCallRequest(toolID: "sleep", input: ["ms": 30_000])) }
            while adapter.callCounts.started == 0 { await Task.yield() }
            try await Task.sleep(for: .milliseconds(20))
            consumer.cancel()
            let outcome = await consumer.value
            #expect(outcome.error?.kind == .canceled)
            #expect(adapter.callCounts == AdapterCallCounts(started: 1, retired: 1, abandoned: 0))
            await adapter.shutdown()
        }

        @Test func shutdownEndsLiveCallsAndRefusesNewOnes() async throws {
            let adapter = try TestLibraries.textKit()
            let live = Task { await Result.of(adapter, ToolCallRequest(toolID: "sleep", input: ["ms": 30_000])) }
            while adapter.callCounts.started == 0 { await Task.yield() }
            await adapter.shutdown()
            #expect(await live.value.error?.kind == .canceled)
            let after = await Result.of(adapter, ToolCallRequest(toolID: "upper", input: ["text": "x"]))
            #expect(after.error?.kind == .canceled)
            await adapter.shutdown()  // a second shutdown destroys nothing twice
        }

        @Test func aRejectedConfigIsInvalidInput() throws {
            let library = try AdapterLibrary.load(TestLibraries.textKitSwiftPM)
            #expect {
                try LibraryAdapter(id: "tk", library: library, config: [1, 2])
            } throws: { ($0 as! ToolError).kind == .invalidInput }
        }
    }
}
