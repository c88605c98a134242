import Foundation
import SwitchyardABI
import SwitchyardJSON
import Testing

/// Issue #15 item 8, Bun side: a call flooding progress frames or stderr gets a bounded share of
/// what reaches the host, one "dropped" notice, and still ends once with its result; the host's
/// memory stays bounded.
extension BunAdapterTests {
    struct Flood: Sendable, CustomTestStringConvertible {
        var mode: String
        var tool: String
        var input: JSONValue
        var testDescription: String { "\(mode) \(tool)" }
    }

    static let floods = ["pooled", "per_call"].flatMap { mode in [
        Flood(mode: mode, tool: "progressflood", input: ["frames": 100_000]),
        // 200 MiB in 1 KiB lines.
        Flood(mode: mode, tool: "stderrflood", input: ["lines": .int(200 * 1024)]),
    ] }

    @Test("a flood of progress frames or stderr is bounded, noticed once, and the call still ends once",
          .timeLimit(.minutes(3)), arguments: floods)
    func floodIsBounded(flood: Flood) async throws {
        let base = await baseline()
        let residentBefore = ProcessTable.residentKB()
        let host = try BunRawHost()
        let api = try host.adapterTable()
        let config: JSONValue = [
            "type": "bun", "entrypoint": .string("\(H.fixtures)/hardening.js"), "mode": .string(flood.mode),
            "workers": 1, "kill_grace_ms": 200, "project_dir": .string(H.fixtures),
            "env": .object([H.marker: .string(H.markerValue)]),
        ]
        let instance = try Self.createInstance(api, host, config)
        #expect(Self.startCall(api, instance, host, callID: 1, tool: flood.tool, input: flood.input) == SY_OK)
        for _ in 0..<2_400 where !host.recorder.ended(1) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(host.recorder.ended(1), "the flooding call answered")
        let residentPeak = ProcessTable.residentKB()
        api.release_call(instance, 1)
        api.destroy(instance)

        let frames = host.recorder.frames.withLock { $0.filter { $0.callID == 1 } }
        let progress = frames.filter { $0.kind == SY_FRAME_PROGRESS }
        let terminal = frames.filter { $0.flags & SY_FRAME_FLAG_END_OF_STREAM != 0 }
        #expect(terminal.count == 1, "one terminal frame")
        #expect(try JSONValue(parsing: frames.filter { $0.kind == SY_FRAME_RESULT }.flatMap(\.bytes)) == ["flooded": true])
        #expect(progress.count < 10_000, "\(progress.count) progress frames reached the host")
        #expect(progress.reduce(0) { $0 + $1.bytes.count } <= 1 << 20)
        let logged = host.recorder.logLines.withLock { $0 }
        #expect(logged.reduce(0) { $0 + $1.utf8.count } <= 2 * 256 * 1024 + 4096, "\(logged.count) log lines")
        if flood.tool == "progressflood" {
            let notices = frames.filter { $0.kind == SY_FRAME_LOG }.map { String(decoding: $0.bytes, as: UTF8.self) }
            #expect(notices.count == 1 && notices[0].contains("dropped"), "\(notices)")
            // The notice comes before the terminal frame.
            let noticeIndex = frames.firstIndex { $0.kind == SY_FRAME_LOG } ?? .max
            let resultIndex = frames.firstIndex { $0.kind == SY_FRAME_RESULT } ?? -1
            #expect(noticeIndex < resultIndex)
        } else {
            Self.expectBoundedStderr(frames, callID: 1, written: flood.input["lines"]?.intValue.map(Int.init) ?? 0,
                                     lineBytes: 1023)
        }
        // The recorder itself holds what was forwarded: a bounded amount.
        #expect(residentPeak - residentBefore < 150 * 1024, "RSS grew from \(residentBefore) KiB to \(residentPeak) KiB")
        await expectBackTo(base)
    }

    /// `create` through the raw ABI; the test fails when it refuses the config.
    static func createInstance(_ api: sy_adapter_api, _ host: BunRawHost, _ config: JSONValue) throws -> OpaquePointer? {
        var instance: OpaquePointer?
        var error: UnsafeMutablePointer<CChar>?
        let configBytes = config.jsonBytes + [0]
        let created = configBytes.withUnsafeBufferPointer {
            api.create(host.hostTable, $0.baseAddress, UInt64(configBytes.count - 1), &instance, &error)
        }
        try #require(created == SY_OK, "create: \(error.map { String(cString: $0) } ?? "")")
        return instance
    }
}
