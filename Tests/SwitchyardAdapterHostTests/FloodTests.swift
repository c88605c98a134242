import Foundation
import SwitchyardJSON
import SwitchyardAdapterHost
import SwitchyardRuntime
import Testing

extension AdapterHostTests {
    /// What a plugin floods the host with is bounded (Fixtures/flood.c).
    @Suite struct FloodTests {
        let adapter: LibraryAdapter

        init() throws {
            adapter = try LibraryAdapter(id: "flood", library: try AdapterLibrary.load(try TestLibraries.fixture("flood")))
        }

        /// The process's resident set, in KiB (`VmRSS` of /proc/self/status).
        static var residentKiB: Int {
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
        }

        /// 400,000 log and progress frames inside start_call: the consumer gets at most the
        /// per-call bound plus one "dropped N" note, memory stays bounded, the result arrives.
        @Test func aFloodOfLogAndProgressFramesIsBounded() async throws {
            let before = Self.residentKiB
            var events = 0
            var notes: [String] = []
            let output = try await adapter.run(ToolCallRequest(toolID: "flood")) { event in
                events += 1
                if case .log(.warning, let text) = event, text.contains("dropped") { notes.append(text) }
            }
            let growthKiB = Self.residentKiB - before
            #expect(output == ["done": true])
            #expect(events <= 10_000 + 1)
            #expect(notes.count == 1)
            #expect(notes.first?.contains("dropped 390000 progress and log frames") == true)
            // 400,000 events kept would take well over 40 MB; the bound keeps a few.
            #expect(growthKiB < 24 << 10, "RSS grew \(growthKiB) KiB")
            await adapter.shutdown()
        }

        /// An 8 MB multi-line error message becomes one line of at most 16 KiB plus the cut note.
        @Test func aHugeErrorMessageIsCutToOneLine() async {
            let outcome = await Result.of(adapter, ToolCallRequest(toolID: "long_error"))
            let message = outcome.error?.message ?? ""
            #expect(outcome.error?.kind == .toolError)
            #expect(!message.contains("\n") && !message.contains("\t") && !message.contains("\u{1B}"))
            #expect(message.contains(#"line 000000\n\t\u{1B}line 000001"#))
            #expect(message.utf8.count < (16 << 10) + 64)
            #expect(message.hasSuffix(" bytes cut)"))
            #expect(outcome.error?.description.split(separator: "\n").count == 1)
            await adapter.shutdown()
        }

        /// A 1 MB log line full of newlines reaches the consumer as one cut line.
        @Test func aLongLogLineIsOneCutLine() async throws {
            var lines: [String] = []
            let output = try await adapter.run(ToolCallRequest(toolID: "long_log")) { event in
                if case .log(_, let text) = event { lines.append(text) }
            }
            #expect(output == ["logged": true])
            #expect(lines.count == 1)
            #expect(lines.first.map { !$0.contains("\n") && $0.utf8.count < (16 << 10) + 64 } == true)
            #expect(lines.first?.hasSuffix(" bytes cut)") == true)
            await adapter.shutdown()
        }
    }
}
