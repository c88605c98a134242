import Foundation
import SwitchyardABI
import SwitchyardJSON
import Testing

/// libswitchyard_bun.so through its C ABI: the handshake's edge cases, and the bound on how much
/// of a tool's stderr reaches the host log.
extension BunAdapterTests {
    @Test("the entry settles the version and writes nothing past struct_size", .timeLimit(.minutes(1)))
    func entryHandshake() throws {
        let (status, table) = try BunRawHost(minor: 7).handshake(tableSize: 96)
        #expect(status == SY_OK)
        let field = { (offset: Int) in table.withUnsafeBytes { $0.load(fromByteOffset: offset, as: UInt32.self) } }
        #expect(field(0) == 96, "struct_size is left as found")
        #expect(field(4) == SY_ABI_VERSION_MAJOR)
        #expect(field(8) == min(7, SY_ABI_VERSION_MINOR), "the minor settles on the lower")
        // Every 1.0 hook, and 1.1's `stats` at 80.
        for offset in stride(from: 32, to: 88, by: 8) {
            #expect(table.withUnsafeBytes { $0.load(fromByteOffset: offset, as: UInt.self) } != 0, "hook at \(offset)")
        }
        #expect(table[88...].allSatisfy { $0 == 0xAB }, "bytes past sy_adapter_api (ABI 1.1: 88) untouched")
    }

    @Test("a wrong major is SY_E_VERSION; a too-small table either side is SY_E_INVALID_ARGUMENT",
          .timeLimit(.minutes(1)))
    func entryHandshakeFailures() throws {
        #expect(try BunRawHost(major: SY_ABI_VERSION_MAJOR + 1).handshake().status == SY_E_VERSION)
        #expect(try BunRawHost(size: 40).handshake().status == SY_E_INVALID_ARGUMENT)
        #expect(try BunRawHost(size: 8).handshake().status == SY_E_INVALID_ARGUMENT)
        let small = try BunRawHost().handshake(tableSize: 40)
        #expect(small.status == SY_E_INVALID_ARGUMENT)
        #expect(small.table[4...].allSatisfy { $0 == 0xAB }, "nothing written into a refused table")
    }

    @Test("a tool flooding stderr gets a bounded share of the host log and one drop notice",
          .timeLimit(.minutes(2)), arguments: ["pooled", "per_call"])
    func stderrFloodIsBoundedInTheLog(mode: String) async throws {
        let base = await baseline()
        let host = try BunRawHost()
        let api = try host.adapterTable()
        let config: JSONValue = [
            "type": "bun", "entrypoint": .string("\(H.fixtures)/tools.js"), "mode": .string(mode), "workers": 1,
            "kill_grace_ms": 200, "project_dir": .string(H.fixtures),
            "env": .object([H.marker: .string(H.markerValue)]),
        ]
        let instance = try Self.createInstance(api, host, config)
        // 50 MiB of stderr in 1 KiB lines.
        let lines = 50 * 1024
        let started = Self.startCall(api, instance, host, callID: 1, tool: "stderrflood", input: ["lines": .int(Int64(lines))])
        #expect(started == SY_OK)
        for _ in 0..<1_000 where !host.recorder.ended(1) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(host.recorder.ended(1), "the flooding call answered")
        let frames = host.recorder.frames.withLock { $0 }
        let result = frames.filter { $0.callID == 1 && $0.kind == SY_FRAME_RESULT }.flatMap(\.bytes)
        #expect(try JSONValue(parsing: result) == ["flooded": true])
        api.release_call(instance, 1)
        api.destroy(instance)
        // The call's stderr came as its own LOG frames, bounded, with one exact drop notice.
        Self.expectBoundedStderr(frames, callID: 1, written: lines, lineBytes: 1023)
        await expectBackTo(base)
    }

    /// `start_call` with the request built from `tool` and `input`.
    static func startCall(_ api: sy_adapter_api, _ instance: OpaquePointer?, _ host: BunRawHost, callID: UInt64,
                          tool: String, input: JSONValue) -> sy_status {
        let toolID = Array(tool.utf8CString), inputJSON = input.jsonBytes + [0], empty = Array("{}".utf8) + [0]
        var error: UnsafeMutablePointer<CChar>?
        return toolID.withUnsafeBufferPointer { toolPointer in
            inputJSON.withUnsafeBufferPointer { inputPointer in
                empty.withUnsafeBufferPointer { emptyPointer in
                    var request = sy_call_request(
                        struct_size: UInt32(MemoryLayout<sy_call_request>.size), reserved: 0, call_id: callID,
                        tool_id: toolPointer.baseAddress, tool_id_length: UInt64(toolID.count - 1),
                        input_json: inputPointer.baseAddress, input_json_length: UInt64(inputJSON.count - 1),
                        config_json: emptyPointer.baseAddress, config_json_length: 2,
                        env_json: emptyPointer.baseAddress, env_json_length: 2, timeout_ms: 60_000)
                    defer { free(error) }
                    return api.start_call(instance, &request, &error)
                }
            }
        }
    }
}
