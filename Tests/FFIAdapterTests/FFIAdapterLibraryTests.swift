import Foundation
import SwitchyardFFI
import SwitchyardJSON
import Testing

/// The built `libswitchyard_ffi.so`, loaded with dlopen and driven through its C ABI.
/// Needs `swift build` first (the library is a product beside the test binary).
@Suite("ffi adapter plugin through the C ABI", .timeLimit(.minutes(1)))
struct FFIAdapterLibraryTests {
    static let config = #"""
        {"tools": [
          {"id": "crc32", "description": "zlib crc32", "ffi": {"library": "libz.so.1", "symbol": "crc32", "parameters": ["u64", "buffer", "u32"], "result": "u64"}},
          {"id": "div", "description": "quotient and remainder", "ffi": {"library": "libc.so.6", "symbol": "div", "parameters": ["i32", "i32"], "result": {"struct": ["i32", "i32"]}}},
          {"id": "frexp", "description": "mantissa and exponent", "ffi": {"library": "libm.so.6", "symbol": "frexp", "parameters": ["f64", {"out": "i32"}], "result": "f64"}}
        ]}
        """#

    func readyHost() throws -> RawAdapterHost {
        let host = try RawAdapterHost()
        try #require(host.runEntry() == 0)
        return host
    }

    @Test("the entry settles the version and writes nothing past struct_size")
    func handshake() throws {
        let host = try RawAdapterHost(abiMinor: 7, adapterTableSize: 96)
        #expect(try host.runEntry() == 0)
        #expect(host.adapterField(at: 0, as: UInt32.self) == 96)  // left as found
        #expect(host.adapterField(at: 4, as: UInt32.self) == 1)
        #expect(host.adapterField(at: 8, as: UInt32.self) == 1)  // min(7, 1)
        #expect(String(cString: host.adapterField(at: 16, as: UnsafePointer<CChar>.self)) == "ffi")
        for offset in stride(from: 32, to: 80, by: 8) {
            #expect(host.adapterField(at: offset, as: UInt.self) != 0, "hook at \(offset) is set")
        }
        // ABI 1.1's table is 88 bytes (`stats` at 80, NULL here): nothing past it is written.
        #expect(host.adapterField(at: 80, as: UInt.self) == 0)
        for offset in 88..<128 {
            #expect(host.adapterField(at: offset, as: UInt8.self) == 0xAB, "byte \(offset) untouched")
        }
    }

    @Test("a major mismatch is SY_E_VERSION; a too-small table is SY_E_INVALID_ARGUMENT")
    func handshakeFailures() throws {
        #expect(try RawAdapterHost(abiMajor: 2).runEntry() == 3)
        let small = try RawAdapterHost(adapterTableSize: 40)
        #expect(try small.runEntry() == 1)
        #expect(small.adapterField(at: 4, as: UInt32.self) == 0xABAB_ABAB)
    }

    @Test("describe lists every tool with input and output schemas")
    func describe() throws {
        let host = try readyHost()
        let created = host.create(config: Self.config)
        try #require(created.status == 0, "\(created.error ?? "")")
        defer { host.destroy(created.instance) }
        let tools = try #require(try host.describe(created.instance).arrayValue)
        #expect(tools.map { $0["id"] } == ["crc32", "div", "frexp"])
        #expect(tools[0]["description"] == "zlib crc32")
        #expect(tools[0]["input"]?["properties"]?["args"]?["minItems"] == 3)
        #expect(tools[2]["output"]?["properties"]?["out"]?["prefixItems"] == [["type": "integer"]])
    }

    @Test("calls emit exactly one terminal frame: crc32, a struct return, an out parameter")
    func calls() throws {
        let host = try readyHost()
        let created = host.create(config: Self.config)
        try #require(created.status == 0, "\(created.error ?? "")")
        defer { host.destroy(created.instance) }
        let expectations: [(UInt64, String, String, JSONValue)] = [
            (1, "crc32", #"{"args": [0, "hello", 5]}"#, ["value": 907060870, "out": []]),
            (2, "div", #"{"args": [7, 2]}"#, ["value": [3, 1], "out": []]),
            (3, "frexp", #"{"args": [8.0]}"#, ["value": 0.5, "out": [4]]),
        ]
        for (callID, tool, input, expected) in expectations {
            #expect(host.startCall(created.instance, callID: callID, tool: tool, input: input).status == 0)
            host.cancel(created.instance, callID: callID)
            host.release(created.instance, callID: callID)
            #expect(host.recorder.frames(for: callID) == [
                RecordedFrame(callID: callID, kind: RawAdapterHost.frameResult, flags: RawAdapterHost.endOfStream, payload: expected)
            ])
        }
    }

    @Test("bad arguments end the call with an invalid_input error frame naming the argument")
    func badArguments() throws {
        let host = try readyHost()
        let created = host.create(config: Self.config)
        try #require(created.status == 0)
        defer { host.destroy(created.instance) }
        #expect(host.startCall(created.instance, callID: 9, tool: "div", input: #"{"args": [7, "two"]}"#).status == 0)
        let frames = host.recorder.frames(for: 9)
        #expect(frames.count == 1)
        #expect(frames.first?.kind == RawAdapterHost.frameError)
        #expect(frames.first?.flags == RawAdapterHost.endOfStream)
        #expect(frames.first?.payload["kind"] == "invalid_input")
        #expect(frames.first?.payload["message"]?.stringValue?.hasPrefix(#"tool "div": args[1]: expected i32"#) == true)
    }

    @Test("an unknown tool is SY_E_NOT_FOUND listing the tools, and emits nothing")
    func unknownTool() throws {
        let host = try readyHost()
        let created = host.create(config: Self.config)
        try #require(created.status == 0)
        defer { host.destroy(created.instance) }
        let started = host.startCall(created.instance, callID: 5, tool: "crc64", input: "{}")
        #expect(started.status == 2)
        #expect(started.error == #"ffi adapter: unknown tool "crc64" (available: crc32, div, frexp)"#)
        #expect(host.recorder.frames(for: 5).isEmpty)
    }

    @Test("create fails on a bad signature or a missing library, naming the field")
    func createFailures() throws {
        let host = try readyHost()
        let badType = host.create(config: #"{"tools": [{"id": "a", "ffi": {"library": "libc.so.6", "symbol": "abs", "parameters": ["i32"], "result": "i32"}}, {"id": "b", "ffi": {"library": "libc.so.6", "symbol": "abs", "parameters": ["u65"]}}]}"#)
        #expect(badType.status == 1)
        #expect(badType.error?.hasPrefix(#"ffi adapter config: tools[1].ffi.parameters[0]: unknown type "u65""#) == true)
        let missing = host.create(config: #"{"tools": [{"id": "gone", "ffi": {"library": "libswitchyard-gone.so.3", "symbol": "f"}}]}"#)
        #expect(missing.status == 1)
        #expect(missing.error?.hasPrefix(#"ffi adapter config: tools[0].ffi.library (tool "gone"): cannot load library"#) == true)
        let symbol = host.create(config: #"{"tools": [{"id": "nope", "ffi": {"library": "libz.so.1", "symbol": "crc99"}}]}"#)
        #expect(symbol.error?.contains(#"tools[0].ffi.symbol (tool "nope"): symbol "crc99" not found"#) == true)
        let notJSON = host.create(config: "{tools")
        #expect(notJSON.status == 1)
        #expect(notJSON.error?.hasPrefix("ffi adapter config: not JSON") == true)
    }

    @Test("many threads start calls on one instance at once; each gets its own single frame")
    func concurrentCalls() async throws {
        let host = try readyHost()
        let created = host.create(config: Self.config)
        try #require(created.status == 0)
        let instance = created.instance
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for round in 0..<100 {
                        let callID = UInt64(1000 + task * 100 + round)
                        _ = host.startCall(instance, callID: callID, tool: "div", input: #"{"args": [\#(task * 10 + 3), 10]}"#)
                        host.release(instance, callID: callID)
                    }
                }
            }
        }
        host.destroy(instance)
        var wrong = 0
        for task in 0..<16 {
            for round in 0..<100 {
                let frames = host.recorder.frames(for: UInt64(1000 + task * 100 + round))
                if frames.map(\.payload) != [["value": [.int(Int64(task)), 3], "out": []]] { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }
}
