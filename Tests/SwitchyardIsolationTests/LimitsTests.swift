import Foundation
import SwitchyardIsolation
import SwitchyardJSON
import SwitchyardRuntime
import Testing

extension IsolationTests {
    /// `limits:` of an isolated adapter, applied in its helper (memory, CPU, files) or by the
    /// host (calls in flight).
    @Suite struct LimitsTests {
        @Test func aLeakHitsTheMemoryLimitAndOnlyItsHelperCrashes() async throws {
            let adapter = try IsolationFixtures.crashy(HelperLimits(memoryMB: 512))
            var crash: ToolError?
            for _ in 0..<40 {
                let outcome = await Result.of(adapter, "leak", ["mb": 64])
                if let error = outcome.error {
                    crash = error
                    break
                }
            }
            #expect(crash?.kind == .crashed, "\(String(describing: crash))")
            #expect(crash?.message.contains("SIGSEGV") == true, "\(String(describing: crash))")
            // A fresh helper has its whole budget again.
            #expect(await Result.of(adapter, "leak", ["mb": 64]) == .success(["leaked": true]))
            await adapter.shutdown()
        }

        @Test func cpuTimeOverTheLimitIsSIGXCPU() async throws {
            let adapter = try IsolationFixtures.crashy(HelperLimits(cpuSeconds: 1))
            let outcome = await Result.of(adapter, "burn", timeout: .seconds(30))
            #expect(outcome.error?.kind == .crashed)
            #expect(outcome.error?.message.contains("SIGXCPU") == true, "\(String(describing: outcome.error))")
            #expect(await Result.of(adapter, "echo").output != nil)
            await adapter.shutdown()
        }

        @Test func openFilesStopAtTheLimit() async throws {
            let adapter = try IsolationFixtures.crashy(HelperLimits(openFiles: 64))
            let opened = try #require(await Result.of(adapter, "open", ["count": 200]).output?.objectValue?["opened"]?.intValue)
            #expect(opened > 0 && opened < 64)
            await adapter.shutdown()
        }

        @Test func callsBeyondMaxInFlightAreRefusedNamingTheLimit() async throws {
            let adapter = try IsolationFixtures.crashy(HelperLimits(maxInFlight: 1))
            let first = Task { await Result.of(adapter, "sleep", ["ms": 500]) }
            try await Task.sleep(for: .milliseconds(100))
            let refused = await Result.of(adapter, "echo")
            #expect(refused.error?.kind == .toolError)
            #expect(refused.error?.message.contains("max_in_flight is 1") == true, "\(String(describing: refused.error))")
            #expect(await first.value == .success(["slept": true]))
            #expect(await Result.of(adapter, "echo").output != nil)
            #expect(adapter.counts.callsInFlight == 0)
            await adapter.shutdown()
        }
    }

    @Suite struct HelperFrameTests {
        @Test func framesSurviveArbitrarySplits() throws {
            let frames = [HelperFrame(.result, callID: 7, payload: Array("{\"a\":1}".utf8)),
                          HelperFrame(.log, callID: 1 << 40, argument: 3, payload: Array("line".utf8)),
                          HelperFrame(.cancel, callID: 9)]
            let bytes = frames.flatMap(\.encoded)
            for split in [1, 3, 16, 17, bytes.count] {
                var parser = HelperFrameParser(maxPayloadBytes: 1024)
                var parsed: [HelperFrame] = []
                for start in stride(from: 0, to: bytes.count, by: split) {
                    bytes[start..<min(start + split, bytes.count)].withUnsafeBytes { parser.append($0) }
                    while let frame = try parser.next() { parsed.append(frame) }
                }
                #expect(parsed == frames)
            }
        }

        @Test func anOversizedFrameIsRefused() {
            var parser = HelperFrameParser(maxPayloadBytes: 4)
            HelperFrame(.result, callID: 1, payload: Array("12345".utf8)).encoded.withUnsafeBytes { parser.append($0) }
            #expect(throws: HelperFrameParser.OversizedFrame.self) { try parser.next() }
        }

        @Test func configurationRoundTrips() throws {
            let configuration = HelperConfiguration(
                libraryPath: "/x/liba.so", adapterID: "a", config: ["k": "v"], allowedDirectories: ["/x"],
                maxOutputBytes: 1024, cancelGrace: .milliseconds(250),
                limits: HelperLimits(memoryMB: 64, cpuSeconds: 2, openFiles: 32))
            #expect(try HelperConfiguration(json: configuration.json) == configuration)
            let request = ToolCallRequest(toolID: "t", input: ["i": 1], config: ["c": true], env: ["E": "1"],
                                          timeout: .milliseconds(1500))
            let decoded = try HelperPayload.request(from: HelperPayload.call(request, timeoutMS: 1500))
            #expect(decoded.toolID == "t" && decoded.input == ["i": 1] && decoded.config == ["c": true])
            #expect(decoded.env == ["E": "1"] && decoded.timeout == .milliseconds(1500))
        }
    }
}
