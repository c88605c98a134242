import FFIAdapterCore
import SwitchyardFFI
import SwitchyardJSON
import Testing

@Suite("FFISignature parsing")
struct FFISignatureParsingTests {
    func parseError(_ json: String, at path: String = "tools[2].ffi") -> FFIError? {
        do {
            _ = try signature(json, at: path)
            Issue.record("expected \(json) to be rejected")
            return nil
        } catch let error as FFIError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test("parses scalars, structs, outs and variadic_from")
    func parsesEverything() throws {
        let parsed = try signature(
            #"{"library": "libc.so.6", "symbol": "f", "parameters": ["u64", {"struct": ["i32", {"struct": ["f64"]}]}, {"out": "cstring"}, "cstring", "i32"], "result": {"struct": ["i64", "i64"]}, "variadic_from": 4}"#)
        #expect(parsed.parameters == [.u64, .structure([.i32, .structure([.f64])]), .out(.cstring), .cstring, .i32])
        #expect(parsed.result == .structure([.i64, .i64]))
        #expect(parsed.variadicFrom == 4)
        #expect(parsed.argumentCount == 4)
        let minimal = try signature(#"{"library": "libc.so.6", "symbol": "abort"}"#)
        #expect(minimal.parameters.isEmpty && minimal.result == .void && minimal.variadicFrom == nil)
    }

    @Test("an unknown type names its path and the known types")
    func unknownType() {
        let error = parseError(#"{"library": "libz.so.1", "symbol": "crc32", "parameters": ["u64", "u65"], "result": "u64"}"#)
        #expect(error?.code == .badSignature)
        #expect(error?.message.hasPrefix(#"tools[2].ffi.parameters[1]: unknown type "u65" (expected one of i8 u8 i16 u16 i32 u32 i64 u64 isize usize f32 f64 bool void pointer buffer cstring"#) == true)
    }

    @Test("each rule names the exact field", arguments: [
        (#"{"symbol": "f"}"#, "tools[2].ffi.library: missing (expected a string)"),
        (#"{"library": "l", "symbol": ""}"#, #"tools[2].ffi.symbol: expected a non-empty string, got """#),
        (#"{"library": "l", "symbol": "f", "parameters": ["void"]}"#, "tools[2].ffi.parameters[0]: void is not a parameter type"),
        (#"{"library": "l", "symbol": "f", "result": "buffer"}"#, "tools[2].ffi.result: buffer is a parameter type; a result is a pointer or cstring"),
        (#"{"library": "l", "symbol": "f", "result": {"out": "i32"}}"#, "tools[2].ffi.result: {out: ...} is a parameter type, not a result"),
        (#"{"library": "l", "symbol": "f", "parameters": [{"out": "void"}]}"#, "tools[2].ffi.parameters[0].out: the callee cannot write a void (use a number, bool, pointer, cstring or struct)"),
        (#"{"library": "l", "symbol": "f", "parameters": [{"struct": []}]}"#, "tools[2].ffi.parameters[0].struct: expected a non-empty array of field types"),
        (#"{"library": "l", "symbol": "f", "parameters": [{"struct": ["i32", "buffer"]}]}"#, "tools[2].ffi.parameters[0].struct[1]: buffer cannot be a struct field (use a number, bool, pointer, cstring or struct)"),
        (#"{"library": "l", "symbol": "f", "parameters": ["cstring", "f32"], "variadic_from": 1}"#, "tools[2].ffi.parameters[1]: a variadic parameter is promoted by C: write f64 instead of f32"),
        (#"{"library": "l", "symbol": "f", "parameters": ["cstring"], "variadic_from": 2}"#, "tools[2].ffi.variadic_from: expected an integer 0...1 (the number of fixed parameters), got 2"),
        (#"{"library": "l", "symbol": "f", "paramters": []}"#, "tools[2].ffi.paramters: unknown field (expected library, parameters, result, symbol, variadic_from)"),
        (#"{"library": "l", "symbol": "f", "parameters": "i32"}"#, "tools[2].ffi.parameters: expected an array of types, got string"),
    ])
    func rules(json: String, message: String) {
        let error = parseError(json)
        #expect(error?.code == .badSignature)
        #expect(error?.message == message)
    }
}
