import SwitchyardABI
import SwitchyardJSON
import SwitchyardAdapterHost
import SwitchyardRuntime
import Testing

extension AdapterHostTests {
    /// The fixture adapter in Fixtures/misbehaving.c breaks the protocol one way per tool.
    @Suite struct MisbehavingAdapterTests {
        typealias StatusFunction = @convention(c) (Int32) -> Int32
        typealias CountFunction = @convention(c) () -> Int32

        let path: String
        let adapter: LibraryAdapter

        init() throws {
            path = try TestLibraries.fixture("misbehaving")
            adapter = try LibraryAdapter(
                id: "misbehaving", library: try AdapterLibrary.load(path),
                options: AdapterCallOptions(cancelGrace: .milliseconds(100), maxOutputBytes: 1 << 20))
        }

        func status(_ index: Int32) -> Int32 {
            TestLibraries.function("fixture_status", in: path, as: StatusFunction.self)(index)
        }

        func count(_ name: String) -> Int32 {
            TestLibraries.function(name, in: path, as: CountFunction.self)()
        }

        func call(_ tool: String, timeout: Duration? = nil) async -> Result<JSONValue, ToolError> {
            await Result.of(adapter, ToolCallRequest(toolID: tool, timeout: timeout))
        }

        @Test func chunkedResultsArrive() async {
            #expect(await call("ok_chunked") == .success(["text": "abc"]))
            await adapter.shutdown()
        }

        @Test func aCallWithoutTerminalFrameEndsAtItsDeadline() async {
            let releases = count("fixture_releases")
            let outcome = await call("never_ends", timeout: .milliseconds(50))
            #expect(outcome.error?.kind == .timeout)
            #expect(count("fixture_releases") == releases + 1)
            #expect(adapter.callCounts.abandoned == 1)
            await adapter.shutdown()
        }

        @Test func aSecondTerminalFrameIsIgnored() async {
            #expect(await call("two_terminals") == .success(["n": 1]))
            #expect(status(0) == SY_OK)
            #expect(status(1) == SY_E_ENDED)
            await adapter.shutdown()
        }

        @Test func framesFromAForeignThreadAfterReleaseAreRefused() async throws {
            #expect(await call("late_emit") == .success(["late": true]))
            while count("fixture_late_done") == 0 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(status(0) == SY_OK)
            #expect(status(1) == SY_E_NOT_FOUND)
            #expect(status(2) == SY_E_NOT_FOUND)
            await adapter.shutdown()
        }

        @Test func malformedProgressIsAProtocolError() async {
            let outcome = await call("bad_progress")
            #expect(outcome.error?.kind == .protocol)
            #expect(outcome.error?.message.contains("malformed JSON in a PROGRESS frame") == true)
            #expect(status(0) == SY_E_INVALID_ARGUMENT)
            #expect(adapter.callCounts.abandoned == 0)  // its canceled frame after cancel_call was awaited
            await adapter.shutdown()
        }

        @Test func nonUTF8OutputIsAProtocolError() async {
            let outcome = await call("non_utf8")
            #expect(outcome.error?.kind == .protocol)
            #expect(outcome.error?.message.contains("UTF-8") == true)
            await adapter.shutdown()
        }

        @Test func outputOverTheLimitStopsTheStream() async {
            let outcome = await call("over_limit")
            #expect(outcome.error?.kind == .outputLimit)
            // "[" and 15 chunks of 64 KiB fit in 1 MiB; the 16th is refused while streaming.
            #expect(status(0) == 15)
            await adapter.shutdown()
        }

        @Test func chunksOfMixedKindsAndFlaggedProgressAreProtocolErrors() async {
            #expect(await call("mixed_chunk").error?.kind == .protocol)
            #expect(await call("progress_end").error?.kind == .protocol)
            await adapter.shutdown()
            #expect(adapter.callCounts.started == adapter.callCounts.retired)
        }
    }
}
