import Foundation
import Testing
@testable import SwitchyardJSON
import SwitchyardTestSupport

/// Numbers beyond Int64 or double range are kept exactly or refused, never silently changed
/// (issue #15 item 9), the same way by the whole-value fast path and the streaming decoder.
@Suite struct JSONNumberRangeTests {
    @Test(arguments: [
        ("9223372036854775807", JSONValue.int(.max)),
        ("-9223372036854775808", .int(.min)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),  // 2^63: a double exactly
        ("18446744073709551616", .double(18_446_744_073_709_551_616)),  // 2^64
        ("100000000000000000000", .double(1e20)),
        ("1e308", .double(1e308)),
        ("1e-300", .double(1e-300)),
        ("0e-400", .double(0)),
        ("-0.0e999", .double(0)),
    ])
    func keepsWhatIsExact(text: String, expected: JSONValue) throws {
        for document in [text, "[\(text)]", "{\"n\": \(text)}"] {
            let value = try JSONValue(parsing: document)
            let number = value.arrayValue?.first ?? value["n"] ?? value
            #expect(number == expected, "\(document)")
            #expect(try streamed(document) == value)
            // What is kept serializes to text that reads back as the same text (a double zero
            // is written `0`, which reads back as an integer zero).
            #expect(try JSONValue(parsing: value.jsonString).jsonString == value.jsonString)
        }
    }

    @Test(arguments: [
        ("12345678901234567890", "integer 12345678901234567890 does not fit in 64 bits and has no exact double"),
        ("-9223372036854775809", "integer -9223372036854775809 does not fit in 64 bits and has no exact double"),
        ("99999999999999999999", "integer 99999999999999999999 does not fit in 64 bits"),
        ("1e400", "number 1e400 is out of range (beyond a 64-bit double)"),
        ("-1e400", "number -1e400 is out of range (beyond a 64-bit double)"),
        ("1e-400", "number 1e-400 is too small for a 64-bit double (it would be 0)"),
        ("-2.5e-400", "number -2.5e-400 is too small for a 64-bit double (it would be 0)"),
    ])
    func refusesWhatWouldChange(text: String, reason: String) throws {
        for document in [text, "[1, \(text)]", "{\"n\": \(text)}"] {
            let whole = try #require(decodingError { try JSONValue(parsing: document) })
            let streamedError = try #require(decodingError { try streamed(document) })
            #expect("\(whole)".contains(reason), "\(document): \(whole)")
            // The two decoders quote different context around the position; the reason is the same.
            #expect("\(streamedError)".contains(reason), "\(document): \(streamedError)")
        }
    }

    @Test func deepestAcceptedValueSerializesOnASmallStack() throws {
        let depth = StreamingJSONDecoder.maximumDepth
        let document = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let text = onSmallStack { (try? JSONValue(parsing: document))?.jsonString }
        #expect(text == document)
        let tooDeep = "[" + document + "]"
        #expect(decodingError { try JSONValue(parsing: tooDeep) }.map { "\($0)" }?.contains("nesting deeper than 512") == true)
    }

    private func streamed(_ document: String) throws -> JSONValue {
        var decoder = StreamingJSONDecoder()
        for byte in document.utf8 { try decoder.feed([byte]) }
        return try decoder.finish()
    }

    private func decodingError(_ body: () throws -> JSONValue) -> (any Error)? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }
}
