import FFIAdapterCore
import SwitchyardFFI
import SwitchyardJSON
import Testing

/// The edges of the direct path (escaped and non-ASCII strings, integers at their limits,
/// exponent doubles, nulls, missing and extra fields, buffers), each compared with the
/// `JSONValue` path: where the direct path answers, the same bytes; where it declines, the
/// `JSONValue` path still answers the call or names what is wrong.
@Suite("ffi direct-call edge cases against the JSONValue path", .timeLimit(.minutes(1)))
struct DirectCallEdgeCaseTests {
    static let strlen = DirectCallTests.strlen
    static let crc32 = DirectCallTests.crc32
    static let abs = DirectCallTests.abs
    static let cos = DirectCallTests.cos
    static let llabs = #"{"library": "libc.so.6", "symbol": "llabs", "parameters": ["i64"], "result": "i64"}"#
    static let strtoull = #"{"library": "libc.so.6", "symbol": "strtoull", "parameters": ["cstring", "pointer", "i32"], "result": "u64"}"#
    static let identityU32 = #"{"library": "libz.so.1", "symbol": "crc32", "parameters": ["u32", "buffer", "u32"], "result": "u32"}"#

    let tests = DirectCallTests()

    @Test("escaped and non-ASCII strings are decoded as the JSON decoder decodes them", arguments: [
        (strlen, #"{"args": ["a\nb"]}"#), (strlen, #"{"args": ["tab\there"]}"#),
        (strlen, #"{"args": ["q\"uote\\ \/ \b\f\r"]}"#), (strlen, #"{"args": ["\u00e9\u2713 \uABCD\uabcd"]}"#),
        (strlen, #"{"args": ["\ud83d\ude00 emoji"]}"#), (strlen, #"{"args": ["lone \ud800 high"]}"#),
        (strlen, #"{"args": ["lone \udc00 low"]}"#), (strlen, #"{"args": ["\ud800\ud800\udc00"]}"#),
        (strlen, #"{"args": ["end \ud800"]}"#), (strlen, #"{"args": ["héllo \u00e9 ✓\n"]}"#),
        (strlen, #"{"args": ["\u0041"]}"#), (strlen, #"{"args": ["\\"]}"#),
        (crc32, #"{"args": [0, "a\u0000b", 3]}"#), (crc32, #"{"args": [0, "\u00ff\n", 3]}"#),
        (crc32, #"{"args": [0, "\"quoted\"", 8]}"#),
    ])
    func escapedStrings(_ ffi: String, _ input: String) throws {
        let function = try function(ffi)
        let answer = try #require(tests.direct(function, input), "the direct path declined \(input)")
        #expect(answer == (try tests.viaJSONValue(function, input)))
    }

    @Test("integers at their limits, exponent doubles and nulls answer the same bytes", arguments: [
        (abs, #"{"args": [-2147483648]}"#), (abs, #"{"args": [2147483647]}"#), (abs, #"{"args": [0]}"#),
        (abs, #"{"args": [-0]}"#), (llabs, #"{"args": [-999999999999999999]}"#),
        (llabs, #"{"args": [999999999999999999]}"#), (identityU32, #"{"args": [4294967295, null, 0]}"#),
        (cos, #"{"args": [-1.5e-3]}"#), (cos, #"{"args": [2E+2]}"#), (cos, #"{"args": [1e0]}"#),
        (cos, #"{"args": [-0.0e-0]}"#), (cos, #"{"args": [12345]}"#), (cos, #"{"args": [-7]}"#),
        (strtoull, #"{"args": ["42", null, 10]}"#), (crc32, #"{"args": [0, null, 0]}"#),
        (crc32, #"{"args": [0, [0, 255, 128], 3]}"#), (crc32, #"{"args": [ 0 , [ ] , 0 ]}"#),
    ])
    func scalars(_ ffi: String, _ input: String) throws {
        let function = try function(ffi)
        let answer = try #require(tests.direct(function, input), "the direct path declined \(input)")
        #expect(answer == (try tests.viaJSONValue(function, input)))
    }

    @Test("declined inputs the JSONValue path answers: the direct path, if it answers, agrees", arguments: [
        (strlen, #"{"args": ["x"], "extra": {"nested": [1, "\u00e9"]}}"#), (strlen, #"{"extra": null, "args": ["x"]}"#),
        (llabs, #"{"args": [-9223372036854775808]}"#), (llabs, #"{"args": [9223372036854775807]}"#),
    ])
    func answeredByTheJSONValuePath(_ ffi: String, _ input: String) throws {
        let function = try function(ffi)
        let output = try tests.viaJSONValue(function, input)
        if let direct = tests.direct(function, input) { #expect(direct == output) }
    }

    @Test("inputs the JSONValue path refuses are declined by the direct path", arguments: [
        (strlen, #"{"args": ["nul \u0000 inside"]}"#), (strlen, #"{"args": ["bad \x escape"]}"#),
        (strlen, #"{"args": ["\u12G4"]}"#), (strlen, #"{"args": ["\u12"]}"#), (strlen, #"{"args": ["abc\"]}"#),
        (strlen, "{}"), (strlen, #"{"args": []}"#), (strlen, #"{"args": null}"#), (abs, #"{"args": [2147483648]}"#),
        (abs, #"{"args": [null]}"#), (cos, #"{"args": [null]}"#), (crc32, #"{"args": [0, "x", -1]}"#),
        (crc32, #"{"args": [0, [1, 256], 2]}"#),
    ])
    func refusedByTheJSONValuePath(_ ffi: String, _ input: String) throws {
        let function = try function(ffi)
        #expect(tests.direct(function, input) == nil)
        let error = #expect(throws: (any Error).self) { try tests.viaJSONValue(function, input) }
        // An argument the JSONValue path refuses is named in its message.
        if let error = error as? FFIError { #expect(error.message.contains("args"), "\(error.message)") }
    }

    @Test("a cstring's NUL is refused by the JSONValue path, naming the argument")
    func cstringNUL() throws {
        let strlen = try function(Self.strlen)
        #expect(tests.direct(strlen, #"{"args": ["a\u0000b"]}"#) == nil)
        let error = #expect(throws: FFIError.self) { try tests.viaJSONValue(strlen, #"{"args": ["a\u0000b"]}"#) }
        #expect(error?.message.contains("args[0]") == true)
        #expect(error?.message.contains("NUL") == true)
    }

    @Test("several escaped strings and buffers in one call each get their own copy")
    func severalCopies() throws {
        let snprintf = try function(
            #"{"library": "libc.so.6", "symbol": "snprintf", "parameters": ["pointer", "usize", "cstring", "cstring", "cstring"], "result": "i32", "variadic_from": 3}"#)
        let input = #"{"args": [null, 0, "%s|%s", "\u00e9\n\"", "plain ✓"]}"#
        let answer = try #require(tests.direct(snprintf, input))
        #expect(answer == (try tests.viaJSONValue(snprintf, input)))
        let length = "é\n\"|plain ✓".utf8.count
        #expect(answer == #"{"out":[],"value":\#(length)}"#)
    }
}
