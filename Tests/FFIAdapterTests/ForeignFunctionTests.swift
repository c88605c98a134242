import FFIAdapterCore
import SwitchyardFFI
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

@Suite("ForeignFunction against system libraries", .timeLimit(.minutes(1)))
struct ForeignFunctionTests {
    @Test("libm: cos, pow, cosf")
    func mathFunctions() throws {
        let cos = try function(#"{"library": "libm.so.6", "symbol": "cos", "parameters": ["f64"], "result": "f64"}"#)
        #expect(try cos.call(arguments: [0.0]) == ["value": 1.0, "out": []])
        let pow = try function(#"{"library": "libm.so.6", "symbol": "pow", "parameters": ["f64", "f64"], "result": "f64"}"#)
        #expect(try pow.call(input: ["args": [2, 10]])["value"] == 1024.0)
        let cosf = try function(#"{"library": "libm.so.6", "symbol": "cosf", "parameters": ["f32"], "result": "f32"}"#)
        #expect(try cosf.call(arguments: [0])["value"] == 1.0)
    }

    @Test("libc: strlen of a cstring, abs of a negative i32")
    func libcScalars() throws {
        let strlen = try function(#"{"library": "libc.so.6", "symbol": "strlen", "parameters": ["cstring"], "result": "usize"}"#)
        #expect(try strlen.call(arguments: ["hello"])["value"] == 5)
        #expect(try strlen.call(arguments: ["héllo"])["value"] == 6)
        let abs = try function(#"{"library": "libc.so.6", "symbol": "abs", "parameters": ["i32"], "result": "i32"}"#)
        #expect(try abs.call(arguments: [-42])["value"] == 42)
    }

    @Test("libz: crc32 of a buffer given as a string and as bytes")
    func zlibCRC32() throws {
        let crc32 = try function(#"{"library": "libz.so.1", "symbol": "crc32", "parameters": ["u64", "buffer", "u32"], "result": "u64"}"#)
        #expect(try crc32.call(input: ["args": [0, "hello", 5]]) == ["value": 907060870, "out": []])
        #expect(try crc32.call(arguments: [0, [104, 101, 108, 108, 111], 5])["value"] == 907060870)
    }

    @Test("struct returns: div and ldiv")
    func structReturn() throws {
        let div = try function(#"{"library": "libc.so.6", "symbol": "div", "parameters": ["i32", "i32"], "result": {"struct": ["i32", "i32"]}}"#)
        #expect(try div.call(arguments: [7, 2])["value"] == [3, 1])
        let ldiv = try function(#"{"library": "libc.so.6", "symbol": "ldiv", "parameters": ["i64", "i64"], "result": {"struct": ["i64", "i64"]}}"#)
        #expect(try ldiv.call(arguments: [-7, 2])["value"] == [-3, -1])
    }

    @Test("struct argument by value: inet_ntoa(struct in_addr)")
    func structArgument() throws {
        let inetNtoa = try function(#"{"library": "libc.so.6", "symbol": "inet_ntoa", "parameters": [{"struct": ["u32"]}], "result": "cstring"}"#)
        // 127.0.0.1 in network byte order, read as a little-endian u32.
        #expect(try inetNtoa.call(arguments: [[0x0100_007F]])["value"] == "127.0.0.1")
    }

    @Test("out parameters: frexp, modf, strtol's end pointer")
    func outParameters() throws {
        let frexp = try function(#"{"library": "libm.so.6", "symbol": "frexp", "parameters": ["f64", {"out": "i32"}], "result": "f64"}"#)
        #expect(try frexp.call(arguments: [8.0]) == ["value": 0.5, "out": [4]])
        let modf = try function(#"{"library": "libm.so.6", "symbol": "modf", "parameters": ["f64", {"out": "f64"}], "result": "f64"}"#)
        #expect(try modf.call(arguments: [3.25]) == ["value": 0.25, "out": [3.0]])
        let strtol = try function(#"{"library": "libc.so.6", "symbol": "strtol", "parameters": ["cstring", {"out": "cstring"}, "i32"], "result": "i64"}"#)
        #expect(try strtol.call(arguments: ["123xyz", 10]) == ["value": 123, "out": ["xyz"]])
    }

    @Test("variadic: snprintf with fixed and variadic arguments")
    func variadic() throws {
        let snprintf = try function(
            #"{"library": "libc.so.6", "symbol": "snprintf", "parameters": ["pointer", "usize", "cstring", "i32", "cstring", "f64"], "result": "i32", "variadic_from": 3}"#)
        #expect(try snprintf.call(arguments: [nil, 0, "%d-%s-%.1f", 42, "abc", 2.5])["value"] == 10)
    }

    @Test("u64 above Int64.max is a decimal string; a NULL cstring is null")
    func wideAndNullResults() throws {
        let strtoull = try function(#"{"library": "libc.so.6", "symbol": "strtoull", "parameters": ["cstring", "pointer", "i32"], "result": "u64"}"#)
        #expect(try strtoull.call(arguments: ["18446744073709551615", nil, 10])["value"] == "18446744073709551615")
        let getenv = try function(#"{"library": "libc.so.6", "symbol": "getenv", "parameters": ["cstring"], "result": "cstring"}"#)
        #expect(try getenv.call(arguments: ["SWITCHYARD_SURELY_UNSET_VARIABLE"])["value"] == .null)
    }

    @Test("wrong argument count names the count and the types")
    func wrongArgumentCount() throws {
        let crc32 = try function(#"{"library": "libz.so.1", "symbol": "crc32", "parameters": ["u64", "buffer", "u32"], "result": "u64"}"#)
        let error = expectError { () throws(FFIError) in _ = try crc32.call(arguments: [0, "hello"]) }
        #expect(error?.code == .badArgument)
        #expect(error?.message == "args: crc32 takes 3 arguments [u64, buffer, u32], got 2")
        let frexp = try function(#"{"library": "libm.so.6", "symbol": "frexp", "parameters": ["f64", {"out": "i32"}], "result": "f64"}"#)
        let outError = expectError { () throws(FFIError) in _ = try frexp.call(arguments: [8.0, 0]) }
        #expect(outError?.message == "args: frexp takes 1 argument [f64], got 2")
    }

    @Test("wrong argument types name the index and the expected type")
    func wrongArgumentType() throws {
        let abs = try function(#"{"library": "libc.so.6", "symbol": "abs", "parameters": ["i32"], "result": "i32"}"#)
        let error = expectError { () throws(FFIError) in _ = try abs.call(arguments: ["x"]) }
        #expect(error?.code == .badArgument)
        #expect(error?.message == #"args[0]: expected i32 (an integer -2147483648...2147483647), got "x""#)
        let range = expectError { () throws(FFIError) in _ = try abs.call(arguments: [.int(1 << 40)]) }
        #expect(range?.message.hasPrefix("args[0]: expected i32") == true)
        let crc32 = try function(#"{"library": "libz.so.1", "symbol": "crc32", "parameters": ["u64", "buffer", "u32"], "result": "u64"}"#)
        let byte = expectError { () throws(FFIError) in _ = try crc32.call(arguments: [0, [1, 256], 2]) }
        #expect(byte?.message == "args[1][1]: expected a byte value 0...255, got 256")
        let div = try function(#"{"library": "libc.so.6", "symbol": "div", "parameters": [{"struct": ["i32", "i32"]}], "result": "i32"}"#)
        let field = expectError { () throws(FFIError) in _ = try div.call(arguments: [[1, true]]) }
        #expect(field?.message == "args[0][1]: expected i32 (an integer -2147483648...2147483647), got true")
        let input = expectError { () throws(FFIError) in _ = try abs.call(input: ["args": "nope"]) }
        #expect(input?.message == "input.args: expected an array of arguments, got string")
    }

    @Test("many tasks call one function and one interface at once")
    func concurrentCalls() async throws {
        let crc32 = try function(#"{"library": "libz.so.1", "symbol": "crc32", "parameters": ["u64", "buffer", "u32"], "result": "u64"}"#)
        // An address, not a pointer, crosses into the tasks: raw pointers are not Sendable.
        let powAddress = UInt(bitPattern: try DynamicLibrary.open("libm.so.6").symbol("pow"))
        let interface = try CallInterface.cached(returning: .double, arguments: [.double, .double])
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<32 {
                group.addTask {
                    var mismatches = 0
                    let pow = UnsafeRawPointer(bitPattern: powAddress)!
                    for round in 0..<500 {
                        if try crc32.call(arguments: [0, "hello", 5])["value"] != 907060870 { mismatches += 1 }
                        var base = Double(task), exponent = Double(round % 4)
                        var result = 0.0
                        withUnsafeMutablePointer(to: &base) { basePointer in
                            withUnsafeMutablePointer(to: &exponent) { exponentPointer in
                                var arguments: [UnsafeMutableRawPointer?] = [
                                    UnsafeMutableRawPointer(basePointer), UnsafeMutableRawPointer(exponentPointer),
                                ]
                                arguments.withUnsafeMutableBufferPointer { buffer in
                                    interface.call(pow, result: &result, arguments: buffer.baseAddress)
                                }
                            }
                        }
                        var expected = 1.0
                        for _ in 0..<(round % 4) { expected *= Double(task) }
                        if result != expected { mismatches += 1 }
                    }
                    return mismatches
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}
