import FFIAdapterCore
import SwitchyardFFI
import SwitchyardJSON
import Testing

/// `ForeignFunction.callDirect` (arguments decoded from the request bytes, output written as
/// bytes) against the `JSONValue` path it stands in for: the same output bytes for every input
/// it takes, and every other input declined so the `JSONValue` path names what is wrong.
@Suite("ffi direct calls from request bytes", .timeLimit(.minutes(1)))
struct DirectCallTests {
    static let cos = #"{"library": "libm.so.6", "symbol": "cos", "parameters": ["f64"], "result": "f64"}"#
    static let fmin = #"{"library": "libm.so.6", "symbol": "fmin", "parameters": ["f64", "f64"], "result": "f64"}"#
    static let strlen = #"{"library": "libc.so.6", "symbol": "strlen", "parameters": ["cstring"], "result": "usize"}"#
    static let crc32 = #"{"library": "libz.so.1", "symbol": "crc32", "parameters": ["u64", "buffer", "u32"], "result": "u64"}"#
    static let abs = #"{"library": "libc.so.6", "symbol": "abs", "parameters": ["i32"], "result": "i32"}"#

    /// The direct path's output bytes, or `nil` when it declined.
    func direct(_ function: ForeignFunction, _ input: String) -> String? {
        var input = input
        return input.withUTF8 { bytes in
            function.callDirect(inputJSON: UnsafeRawBufferPointer(bytes)) { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The `JSONValue` path's output, serialized.
    func viaJSONValue(_ function: ForeignFunction, _ input: String) throws -> String {
        try function.call(input: JSONValue(parsing: input)).jsonString
    }

    @Test("the direct path answers the exact bytes of the JSONValue path", arguments: [
        (cos, #"{"args": [0.5]}"#), (cos, #"{"args":[0]}"#), (cos, #" { "args" : [ -0.0 ] } "#),
        (cos, #"{"args": [1e-7]}"#), (cos, #"{"args": [3.141592653589793]}"#), (cos, #"{"args": [1E2]}"#),
        (#"{"library": "libm.so.6", "symbol": "cosf", "parameters": ["f32"], "result": "f32"}"#, #"{"args": [0.5]}"#),
        (strlen, #"{"args": ["hello"]}"#), (strlen, #"{"args": ["héllo ✓"]}"#), (strlen, #"{"args": [""]}"#),
        (crc32, #"{"args": [0, "hello", 5]}"#), (crc32, #"{"args": [0, [104, 101, 108, 108, 111], 5]}"#),
        (crc32, #"{"args": [0, [], 0]}"#), (crc32, #"{"args": [0, null, 0]}"#),
        (abs, #"{"args": [-42]}"#), (abs, #"{"args": [-2147483647]}"#),
        (#"{"library": "libm.so.6", "symbol": "frexp", "parameters": ["f64", {"out": "i32"}], "result": "f64"}"#, #"{"args": [8.0]}"#),
        (#"{"library": "libm.so.6", "symbol": "modf", "parameters": ["f64", {"out": "f64"}], "result": "f64"}"#, #"{"args": [3.25]}"#),
        (#"{"library": "libc.so.6", "symbol": "strtol", "parameters": ["cstring", {"out": "cstring"}, "i32"], "result": "i64"}"#, #"{"args": ["123xyz", 10]}"#),
        (#"{"library": "libc.so.6", "symbol": "div", "parameters": ["i32", "i32"], "result": {"struct": ["i32", "i32"]}}"#, #"{"args": [7, 2]}"#),
        (#"{"library": "libc.so.6", "symbol": "strtoull", "parameters": ["cstring", "pointer", "i32"], "result": "u64"}"#, #"{"args": ["18446744073709551615", null, 10]}"#),
        (#"{"library": "libc.so.6", "symbol": "getenv", "parameters": ["cstring"], "result": "cstring"}"#, #"{"args": ["SWITCHYARD_SURELY_UNSET_VARIABLE"]}"#),
        (#"{"library": "libc.so.6", "symbol": "snprintf", "parameters": ["pointer", "usize", "cstring", "i32", "cstring", "f64"], "result": "i32", "variadic_from": 3}"#,
         #"{"args": [null, 0, "%d-%s-%.1f", 42, "abc", 2.5]}"#),
        (#"{"library": "libc.so.6", "symbol": "getpid", "result": "i32"}"#, #"{}"#),
    ])
    func sameBytes(_ ffi: String, _ input: String) throws {
        let function = try function(ffi)
        let answer = try #require(direct(function, input), "the direct path declined \(input)")
        #expect(answer == (try viaJSONValue(function, input)))
    }

    @Test("doubles round-trip to the same text as JSONValue writes", arguments: [
        "0.1", "0.30000000000000004", "1e15", "1e16", "123456789012345.6", "1.5e300", "5e-324",
        "-2.2250738585072014e-308", "1e22", "1e23", "9007199254740993.5", "-0.000123", "2.5E+10",
        "12345678901234567890.5", "0.1000000000000000055511151231257827",
    ])
    func doubles(_ literal: String) throws {
        let fmin = try function(Self.fmin)
        let input = #"{"args": [\#(literal), \#(literal)]}"#
        let answer = try #require(direct(fmin, input), "declined \(literal)")
        #expect(answer == (try viaJSONValue(fmin, input)))
        #expect(try JSONValue(parsing: answer)["value"]?.doubleValue == Double(literal)!)
    }

    @Test("inputs outside the plain shape, bad JSON and bad arguments are declined, calling nothing", arguments: [
        (strlen, #"{"args": [7]}"#),
        (strlen, #"{"args": ["x"], "more": 1}"#), (strlen, #"{"more": 1, "args": ["x"]}"#), (strlen, #"{"args": ["x"]} x"#),
        (strlen, #"{"args": ["unterminated]}"#), (strlen, #"{"args": ["x",]}"#), (strlen, #"{"args": []}"#),
        (strlen, #"{"args": ["x", "y"]}"#), (strlen, #"{"args": "x"}"#), (strlen, #"{"args": null}"#), (strlen, "{}"),
        (strlen, ""), (strlen, "[1]"), (abs, #"{"args": [1.0]}"#), (abs, #"{"args": [01]}"#), (abs, #"{"args": [-]}"#),
        (abs, #"{"args": [2147483648]}"#), (abs, #"{"args": [1234567890123456789]}"#), (abs, #"{"args": [true]}"#),
        (abs, #"{"args": ["5"]}"#), (cos, #"{"args": [.5]}"#), (cos, #"{"args": [1.]}"#), (cos, #"{"args": [1e]}"#),
        (cos, #"{"args": [1e400]}"#), (cos, #"{"args": [1e-400]}"#), (cos, #"{"args": [123456789012345678901234567890]}"#),
        (cos, #"{"args": [+1]}"#), (cos, #"{"args": [NaN]}"#), (crc32, #"{"args": [0, [1, 256], 2]}"#),
        (crc32, #"{"args": [0, [1, -1], 2]}"#), (crc32, #"{"args": [0, [1 2], 2]}"#), (crc32, #"{"args": [-1, "x", 1]}"#),
    ])
    func declined(_ ffi: String, _ input: String) throws {
        #expect(direct(try function(ffi), input) == nil)
    }

    @Test("invalid UTF-8 in a string is declined (the JSON decoder refuses it)")
    func invalidUTF8() throws {
        let strlen = try function(Self.strlen)
        let input: [UInt8] = Array(#"{"args": [""#.utf8) + [0xC3, 0x28] + Array(#""]}"#.utf8)
        let answer = input.withUnsafeBytes { strlen.callDirect(inputJSON: $0) { _ in true } }
        #expect(answer == nil)
        #expect(throws: (any Error).self) { try JSONValue(parsing: input) }
    }

    @Test("a 1 MiB buffer is copied whole, its NUL after it")
    func largeBuffer() throws {
        let crc32 = try function(Self.crc32)
        let text = String(repeating: "0123456789abcdef", count: 65_536)
        let input = #"{"args": [0, "\#(text)", \#(text.utf8.count)]}"#
        let answer = try #require(direct(crc32, input))
        #expect(answer == (try viaJSONValue(crc32, input)))
        let strlen = try function(Self.strlen)
        #expect(direct(strlen, #"{"args": ["\#(text)"]}"#) == #"{"out":[],"value":1048576}"#)
    }
}
