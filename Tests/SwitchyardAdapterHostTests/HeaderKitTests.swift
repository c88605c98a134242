import SwitchyardABI
import SwitchyardJSON
import SwitchyardAdapterHost
import SwitchyardRuntime
import Testing

extension AdapterHostTests {
    /// The header's author kit: a plugin built with `-fvisibility=hidden` that uses only
    /// `SY_EXPORT`, the `sy_emit_*` helpers and `sy_host_text` (Fixtures/kit_helpers.c).
    @Suite struct HeaderKitTests {
        let adapter: LibraryAdapter

        init() throws {
            let library = try AdapterLibrary.load(try TestLibraries.fixture("kit_helpers"))
            adapter = try LibraryAdapter(id: "kit", library: library)
        }

        @Test func progressLogAndResultHelpersArrive() async throws {
            var events: [ToolEvent] = []
            let output = try await adapter.run(ToolCallRequest(toolID: "all")) { events.append($0) }
            #expect(output == ["done": true])
            #expect(events == [.progress(["step": 1]), .log(.info, "halfway")])
            await adapter.shutdown()
        }

        /// `sy_emit_error` escapes quotes, backslashes, control characters and keeps UTF-8.
        @Test func errorHelperEscapesItsMessage() async {
            let outcome = await Result.of(adapter, ToolCallRequest(toolID: "fail"))
            #expect(outcome.error?.kind == .invalidInput)
            let message = outcome.error?.message ?? ""
            #expect(message.contains("bad \"x\"") && message.contains("tab\\ ") && message.hasSuffix(" é"), "\(message)")
            await adapter.shutdown()
        }

        @Test func hostTextHelperCarriesStartCallErrors() async {
            let outcome = await Result.of(adapter, ToolCallRequest(toolID: "refuse"))
            #expect(outcome.error?.kind == .invalidInput)
            #expect(outcome.error?.message.contains("refuse: no such thing") == true)
            await adapter.shutdown()
        }

        /// The header's own helpers are callable from Swift as well (static inline C).
        @Test func quoteHelperMeasuresWhatItWrites() {
            let text = "a\"b\\\n\u{01}"
            let length = text.withCString { sy_json_quote($0, nil) }
            var buffer = [CChar](repeating: 0, count: Int(length))
            let written = text.withCString { source in buffer.withUnsafeMutableBufferPointer { sy_json_quote(source, $0.baseAddress) } }
            #expect(written == length)
            #expect(String(decoding: buffer.map { UInt8(bitPattern: $0) }, as: UTF8.self) == #""a\"b\\\n\u0001""#)
        }
    }
}
