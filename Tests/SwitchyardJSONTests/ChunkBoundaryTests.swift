import Testing
@testable import SwitchyardJSON

/// The bulk string and UTF-8 loops (word at a time) against chunk boundaries: every split point
/// of a document, escapes and multi-byte characters cut across reads, invalid UTF-8 inside long
/// ASCII runs.
@Suite("Chunk boundaries")
struct ChunkBoundaryTests {
    static let padding = String(repeating: "plain ascii run ", count: 3)
    static let document = #"{"k": ""# + padding + #"é€😀\n\"\\\u00e9\ud83d\ude00"# + padding + #"", "n": [1, 2.5]}"#

    func decode(_ parts: [[UInt8]]) throws -> JSONValue {
        var decoder = StreamingJSONDecoder()
        for part in parts { try decoder.feed(part) }
        return try decoder.finish()
    }

    @Test func everySplitPointDecodesTheSameValue() throws {
        let bytes = Array(Self.document.utf8)
        let whole = try JSONValue(parsing: bytes)
        #expect(whole["k"]?.stringValue?.contains("é€😀\n\"\\é😀") == true)
        for split in 1..<bytes.count {
            #expect(try decode([Array(bytes[..<split]), Array(bytes[split...])]) == whole, "split at \(split)")
        }
        // Three pieces, cutting each multi-byte character and escape in two places.
        for first in stride(from: 40, to: 80, by: 1) {
            let parts = [Array(bytes[..<first]), Array(bytes[first..<(first + 3)]), Array(bytes[(first + 3)...])]
            #expect(try decode(parts) == whole, "splits at \(first) and \(first + 3)")
        }
    }

    @Test func escapesSplitAcrossReads() throws {
        #expect(try decode([Array(#""ab\"#.utf8), Array(#"ncd""#.utf8)]) == .string("ab\ncd"))
        #expect(try decode([Array(#""\u00"#.utf8), Array(#"e9""#.utf8)]) == .string("é"))
        #expect(try decode([Array(#""\ud83d"#.utf8), Array(#"\ude00""#.utf8)]) == .string("😀"))
        #expect(try decode([Array(#""\ud83d\"#.utf8), Array(#"ude00 and more text after it""#.utf8)])
            == .string("😀 and more text after it"))
    }

    @Test func invalidUTF8InALongRunIsRejectedWhereItIs() {
        let run = [UInt8](repeating: UInt8(ascii: "a"), count: 40)
        let cases: [(bytes: [UInt8], offset: Int)] = [
            ([0x22] + run + [0xFF] + run + [0x22], 41),                  // not a lead byte
            ([0x22] + run + [0xE2, 0x41] + run + [0x22], 42),            // a lead byte without its continuation
            ([0x22] + run + [0xED, 0xA0, 0x80] + run + [0x22], 42),      // a surrogate
            ([0x22] + run + [0xC0, 0x80] + run + [0x22], 41),            // an overlong form
            ([0x22] + run + [0xE2, 0x82, 0x22], 43),                     // a string ends inside a character
        ]
        for (bytes, offset) in cases {
            for split in [1, 20, 41, 42, bytes.count - 1] {
                do {
                    _ = try decode([Array(bytes[..<split]), Array(bytes[split...])])
                    Issue.record("accepted \(bytes.suffix(44)) split at \(split)")
                } catch let error as JSONDecodingError {
                    #expect(error.reason == "invalid UTF-8 in a string", "split at \(split)")
                    #expect(error.offset == offset, "split at \(split): \(error)")
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
    }

    @Test func controlCharactersStopTheBulkRun() {
        let bytes = Array(#""a long run of plain letters before it"#.utf8) + [0x0A] + Array(#"""#.utf8)
        #expect { _ = try JSONValue(parsing: bytes) } throws: { error in
            (error as? JSONDecodingError)?.reason.contains("control character") == true
                && (error as? JSONDecodingError)?.offset == bytes.count - 2
        }
    }

    @Test func validatorFindsTheFirstBadByteAndCarriesSplitCharacters() {
        let text = Array((String(repeating: "0123456789abcdef", count: 3) + "é€😀" + String(repeating: "z", count: 20)).utf8)
        for split in 0...text.count {
            var validator = UTF8StreamValidator()
            let first = text[..<split].withUnsafeBytes { validator.validate($0) }
            let second = text[split...].withUnsafeBytes { validator.validate($0) }
            #expect(first == nil && second == nil && validator.isAtCharacterBoundary, "split at \(split)")
        }
        for position in [0, 7, 8, 15, 16, 17, 33, 47] {
            var bytes = text
            bytes[position] = 0xFF
            var validator = UTF8StreamValidator()
            #expect(bytes.withUnsafeBytes { validator.validate($0) } == position)
        }
        var cut = UTF8StreamValidator()
        #expect([UInt8](repeating: 0x41, count: 30).withUnsafeBytes { cut.validate($0) } == nil)
        let lead: [UInt8] = [0xF0, 0x9F], rest: [UInt8] = [0x98, 0x41]
        #expect(lead.withUnsafeBytes { cut.validate($0) } == nil)
        #expect(!cut.isAtCharacterBoundary)
        #expect(rest.withUnsafeBytes { cut.validate($0) } == 1)
    }

    @Test func stringRunScanStopsAtTheFirstSpecialByte() {
        let prefix = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        for stop: UInt8 in [0x22, 0x5C, 0x00, 0x1F] {
            for position in 0..<prefix.count {
                var bytes = prefix
                bytes[position] = stop
                let run = bytes.withUnsafeBytes { ASCIIScan.stringRunEnd($0.baseAddress!, from: 0, count: $0.count) }
                #expect(run.end == position && !run.hasNonASCII)
            }
        }
        let accented = Array("abcdefgé\"xyz€".utf8)
        let run = accented.withUnsafeBytes { ASCIIScan.stringRunEnd($0.baseAddress!, from: 0, count: $0.count) }
        #expect(run.end == 9 && run.hasNonASCII)
        let plainBeforeAccent = Array("abc\"é".utf8)
        let plain = plainBeforeAccent.withUnsafeBytes { ASCIIScan.stringRunEnd($0.baseAddress!, from: 0, count: $0.count) }
        #expect(plain.end == 3 && !plain.hasNonASCII)
    }
}
