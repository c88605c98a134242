import SwitchyardJSON
import SwitchyardAdapterHost
import SwitchyardRuntime
import Testing

extension AdapterHostTests {
    /// Frames are bound to the instance a call was started on (Fixtures/forger.c).
    @Suite struct ForgedFrameTests {
        typealias CallIDFunction = @convention(c) () -> UInt64
        typealias CountFunction = @convention(c) () -> Int32

        let path: String
        let victim: LibraryAdapter
        let forger: LibraryAdapter

        init() throws {
            path = try TestLibraries.fixture("forger")
            let library = try AdapterLibrary.load(path)
            victim = try LibraryAdapter(id: "victim", library: library)
            forger = try LibraryAdapter(id: "forger", library: library)
        }

        func function<T>(_ name: String, as type: T.Type) -> T {
            TestLibraries.function(name, in: path, as: type)
        }

        /// The victim holds a call open; the forger emits terminal frames for sequential guesses
        /// around its own id, for the victim's real id, and with contexts that are not its own.
        /// Every one is refused and counted, and the victim's call ends with its own result.
        @Test func framesForAnotherInstancesCallsAreRefused() async throws {
            let held = Task { await Result.of(victim, ToolCallRequest(toolID: "hold", timeout: .seconds(30))) }
            let heldCall = function("fixture_held_call", as: CallIDFunction.self)
            while heldCall() == 0 { try await Task.sleep(for: .milliseconds(2)) }

            let forged = await Result.of(forger, ToolCallRequest(toolID: "forge"))
            #expect(forged == .success(["accepted": 0]))
            #expect(function("fixture_forged_accepted", as: CountFunction.self)() == 0)
            #expect(function("fixture_forged_sent", as: CountFunction.self)() == 131)
            // The victim's real id, sent with the forger's own context, is the one counted as forged.
            #expect(forger.callCounts.refusedFrames >= 1)
            #expect(victim.callCounts.refusedFrames == 0)

            #expect(function("fixture_finish_held", as: CountFunction.self)() == 0)  // SY_OK
            #expect(await held.value == .success(["held": "genuine"]))
            await victim.shutdown()
            await forger.shutdown()
        }

        /// A call id says nothing about the next: the high half is a keyed hash, not a count.
        @Test func callIDsAreNotSequential() async throws {
            var seen: [UInt64] = []
            let heldCall = function("fixture_held_call", as: CallIDFunction.self)
            for _ in 0..<3 {
                let held = Task { await Result.of(victim, ToolCallRequest(toolID: "hold", timeout: .seconds(30))) }
                while heldCall() == 0 { try await Task.sleep(for: .milliseconds(2)) }
                seen.append(heldCall())
                #expect(function("fixture_finish_held", as: CountFunction.self)() == 0)
                _ = await held.value
            }
            #expect(Set(seen.map { $0 >> 32 }).count == 3)
            #expect(seen[1] &- seen[0] > 1 << 32 || seen[0] &- seen[1] > 1 << 32)
            await victim.shutdown()
            await forger.shutdown()
        }
    }
}
