import Testing
@testable import SwitchyardJSON

@Suite("StreamingJSONDecoder")
struct StreamingJSONDecoderTests {
    static let documents = [
        #"{"a": 1, "b": [true, false, null], "c": {"d": "x\ny", "e": -2.5e3}}"#,
        #"[1, -0, 0.5, 12345678901234, 1e2, "\u00e9\ud83d\ude00", "\"\\\/\b\f\r\t"]"#,
        #"  "just a string"  "#,
        "42",
        "[]", "{}", #"[[], {}, [[1]]]"#,
        #"{"emoji": "😀", "accents": "çé", "cjk": "漢字"}"#,
    ]

    @Test("decodes whole and byte-by-byte to the same value", arguments: documents)
    func chunkingDoesNotChangeTheValue(document: String) throws {
        let whole = try JSONValue(parsing: document)
        var decoder = StreamingJSONDecoder()
        for byte in document.utf8 { try decoder.feed([byte]) }
        #expect(try decoder.finish() == whole)
    }

    @Test func decodesTypes() throws {
        let value = try JSONValue(parsing: #"{"i": 7, "big": 100000000000000000000, "d": 1.25, "s": "t", "n": null, "b": true, "l": [1]}"#)
        #expect(value["i"] == .int(7))
        #expect(value["big"] == .double(1e20))
        #expect(value["d"] == .double(1.25))
        #expect(value["s"] == .string("t"))
        #expect(value["n"] == .null)
        #expect(value["b"] == .bool(true))
        #expect(value["l"] == .array([.int(1)]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try JSONValue(parsing: #""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONValue(parsing: #""a\u0041\n""#) == .string("aA\n"))
        #expect(try JSONValue(parsing: #""\ud83d x""#) == .string("\u{FFFD} x"))
    }

    @Test("rejects malformed input", arguments: [
        ("", "empty input"), ("{", "unexpected end"), (#"{"a" 1}"#, "expected ':'"),
        ("[1,]", "unexpected character"), ("01", "invalid number"), ("-", "invalid number"),
        ("1.", "invalid number"), ("tru", "unexpected end"), ("trux", "invalid literal"),
        ("{} x", "unexpected data"), (#""a\qb""#, "invalid escape"), ("\"a\u{01}\"", "control character"),
        (#"{"a":1]"#, "expected ',' or '}'"), ("[1}", "expected ',' or ']'"), ("{1:2}", "expected a string key"),
    ])
    func rejectsMalformedInput(input: String, reason: String) {
        #expect {
            _ = try JSONValue(parsing: input)
        } throws: { error in
            (error as? JSONDecodingError)?.reason.contains(reason) == true
        }
    }

    @Test func rejectsInvalidUTF8EvenAcrossChunks() throws {
        var decoder = StreamingJSONDecoder()
        try decoder.feed(Array(#"{"k": "ab"#.utf8) + [0xE2, 0x82])
        #expect(throws: JSONDecodingError.self) { try decoder.feed([0x41]) }
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF]] {
            #expect(throws: JSONDecodingError.self) { _ = try JSONValue(parsing: [0x22] + bad + [0x22]) }
        }
        // A valid multi-byte sequence split across chunks is fine.
        var split = StreamingJSONDecoder()
        try split.feed([0x22, 0xE2, 0x82])
        try split.feed([0xAC, 0x22])
        #expect(try split.finish() == .string("€"))
    }

    @Test func errorsNameTheOffsetAndAnExcerpt() {
        do {
            _ = try JSONValue(parsing: #"{"tool": "x", "oops": nope}"#)
            Issue.record("expected an error")
        } catch let error as JSONDecodingError {
            #expect(error.offset == 23)
            #expect(error.excerpt.contains("nope"))
            #expect(error.description.contains("at byte 23"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: StreamingJSONDecoder.maximumDepth + 1)
        #expect { _ = try JSONValue(parsing: deep) } throws: { error in
            (error as? JSONDecodingError)?.reason.contains("nesting") == true
        }
    }

    @Test func longStringsStreamInSegments() throws {
        let text = String(repeating: "abcdé€😀", count: 40_000)
        let document = #"{"data": ""# + text + #""}"#
        var decoder = StreamingJSONDecoder()
        let bytes = Array(document.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 4093)
            try decoder.feed(bytes[start..<end])
            #expect(decoder.token.count <= StreamingJSONDecoder.segmentBytes + 4)
            start = end
        }
        #expect(try decoder.finish() == ["data": .string(text)])
    }

    @Test func decoderResetsAfterFinish() throws {
        var decoder = StreamingJSONDecoder()
        try decoder.feed(Array("[1]".utf8))
        #expect(try decoder.finish() == [1])
        try decoder.feed(Array("2".utf8))
        #expect(try decoder.finish() == 2)
    }
}

@Suite("JSONValue serialization")
struct JSONValueSerializationTests {
    @Test func roundTripsThroughTheDecoder() throws {
        let value: JSONValue = ["z": [1, 2.5, "q\"\n\u{01}", nil, true], "a": ["nested": "é😀"], "n": -3]
        #expect(try JSONValue(parsing: value.jsonBytes) == value)
        #expect(value.jsonString.hasPrefix(#"{"a":{"nested":"é😀"},"n":-3,"z":"#))
        #expect(JSONValue.string("\u{01}").jsonString == #""\u0001""#)
    }

    @Test func writesIntegralDoublesWithoutFraction() {
        #expect(JSONValue.double(3).jsonString == "3")
        #expect(JSONValue.double(0.5).jsonString == "0.5")
        #expect(JSONValue.double(.nan).jsonString == "null")
    }

    @Test func accessorsReadTheirCase() {
        let value: JSONValue = ["s": "x", "i": 3, "d": 2.0, "b": false, "l": [], "o": [:]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.intValue == 3)
        #expect(value["d"]?.intValue == 2)
        #expect(value["i"]?.doubleValue == 3)
        #expect(value["b"]?.boolValue == false)
        #expect(value["l"]?.arrayValue == [])
        #expect(value["o"]?.objectValue == [:])
        #expect(value["missing"] == nil)
        #expect(value["s"]?.typeName == "string")
    }
}
