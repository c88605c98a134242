import Testing
@testable import SwitchyardJSON

@Suite("WholeValueParser")
struct WholeValueParserTests {
    static let documents = StreamingJSONDecoderTests.documents.filter { !$0.hasPrefix("4") } + [
        #"{"a": 1, "a": 2}"#,
        #"["\ud83d", "\ud83d\ud83d\ude00", "\ude00x", "\ud83dé", "tab\tin", "\u0000"]"#,
        #"[9223372036854775807, -9223372036854775808, 9223372036854775808, 123456789012345678, -0, 0e1, 1E+2]"#,
        #" { "nested" : [ { } , [ ] , { "k" : [ null , true , false ] } ] } "#,
        #"{"text":"HELLO, SWITCHYARD"}"#,
        String(repeating: "[", count: StreamingJSONDecoder.maximumDepth) + String(repeating: "]", count: StreamingJSONDecoder.maximumDepth),
    ]

    static func parse(_ text: String) -> JSONValue? {
        Array(text.utf8).withUnsafeBytes { WholeValueParser.parse($0) }
    }

    @Test("builds the value the streaming decoder builds", arguments: documents)
    func matchesTheStreamingDecoder(document: String) throws {
        var streaming = StreamingJSONDecoder()
        for byte in document.utf8 { try streaming.feed([byte]) }
        let expected = try streaming.finish()
        #expect(Self.parse(document) == expected)
        #expect(try JSONValue(parsing: document) == expected)
    }

    @Test("leaves everything else to the streaming decoder", arguments: [
        "", "42", "true", "{", #"{"a": 1"#, "[1,]", #"{"a" 1}"#, "{} x", #""a\qb""#, "\"a\u{01}\"",
        #"{"a":1]"#, "[01]", "[1.]", "[tru]", #""\u12""#,
        String(repeating: "[", count: StreamingJSONDecoder.maximumDepth + 1)
            + String(repeating: "]", count: StreamingJSONDecoder.maximumDepth + 1),
    ])
    func givesUpOnWhatItCannotDecide(document: String) {
        #expect(Self.parse(document).map { _ in true } == nil)
    }

    @Test func givesUpOnInvalidUTF8() {
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82]] {
            let document: [UInt8] = [0x22] + bad + [0x22]
            #expect(document.withUnsafeBytes { WholeValueParser.parse($0) }.map { _ in true } == nil)
            #expect(throws: JSONDecodingError.self) { _ = try JSONValue(parsing: document) }
        }
    }

    @Test func aWholeValueStillRejectsLaterData() throws {
        var decoder = StreamingJSONDecoder()
        try decoder.feed(Array(#"{"a": 1}"#.utf8))
        try decoder.feed(Array("  \n".utf8))
        #expect(throws: JSONDecodingError.self) { try decoder.feed(Array("x".utf8)) }
        var complete = StreamingJSONDecoder()
        try complete.feed(Array(#"["a"]"#.utf8))
        #expect(try complete.finish() == ["a"])
    }
}
