import Foundation
import SwitchyardABI
import SwitchyardJSON
import Testing

/// Issue #12 item 2, Bun side: a call's stderr reaches the host as LOG frames of THAT call, line
/// by line, within a per-call bound (a token bucket inside a hard cap of 1,000 lines or 256 KiB),
/// with one notice before the terminal frame counting exactly what was dropped.
extension BunAdapterTests {
    /// The per-call cap of `StderrLogLimit` (Plugins/bun), restated: the test checks the bound.
    static let stderrLineCap = 1_000
    static let stderrByteCap = 256 * 1024

    /// Checks call `callID`'s LOG frames: its stderr lines (each `lineBytes` long, `written` of
    /// them) within the cap, and one drop notice, before the terminal frame, whose counts add up
    /// with the lines logged to exactly what the tool wrote.
    static func expectBoundedStderr(_ frames: [BunRawHost.Recorder.Frame], callID: UInt64, written: Int, lineBytes: Int,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        let own = frames.filter { $0.callID == callID }
        let logs = own.filter { $0.kind == SY_FRAME_LOG }.map { String(decoding: $0.bytes, as: UTF8.self) }
        let notices = logs.filter { $0.contains(" lines (") && $0.contains("of stderr") }
        let lines = logs.filter { !$0.contains("of stderr") }
        #expect(lines.count <= stderrLineCap, "\(lines.count) stderr lines logged", sourceLocation: sourceLocation)
        #expect(lines.reduce(0) { $0 + $1.utf8.count } <= stderrByteCap, sourceLocation: sourceLocation)
        #expect(lines.allSatisfy { $0.utf8.count == lineBytes }, "a line was cut or merged", sourceLocation: sourceLocation)
        let expected = "dropped \(written - lines.count) lines (\((written - lines.count) * lineBytes) bytes) of stderr"
        #expect(notices.count == 1 && notices[0].contains(expected), "notices \(notices), expected \(expected)",
                sourceLocation: sourceLocation)
        let noticeIndex = own.lastIndex { $0.kind == SY_FRAME_LOG } ?? .max
        let terminalIndex = own.firstIndex { $0.flags & SY_FRAME_FLAG_END_OF_STREAM != 0 } ?? -1
        #expect(noticeIndex < terminalIndex, "the notice comes before the terminal frame", sourceLocation: sourceLocation)
    }

    @Test("calls sharing a pooled worker each log their own stderr lines, a flooding one does not silence the other",
          .timeLimit(.minutes(2)))
    func stderrLinesBelongToTheirCall() async throws {
        let base = await baseline()
        let host = try BunRawHost()
        let api = try host.adapterTable()
        let config: JSONValue = [
            "type": "bun", "entrypoint": .string("\(H.fixtures)/tools.js"), "mode": "pooled", "workers": 1,
            "kill_grace_ms": 200, "project_dir": .string(H.fixtures),
            "env": .object([H.marker: .string(H.markerValue)]),
        ]
        let instance = try Self.createInstance(api, host, config)
        let flood = 20 * 1024
        #expect(Self.startCall(api, instance, host, callID: 1, tool: "stderrflood", input: ["lines": .int(Int64(flood))]) == SY_OK)
        #expect(Self.startCall(api, instance, host, callID: 2, tool: "stderrlines", input: ["lines": 20]) == SY_OK)
        for _ in 0..<1_000 where !(host.recorder.ended(1) && host.recorder.ended(2)) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(host.recorder.ended(1) && host.recorder.ended(2), "both calls answered")
        api.release_call(instance, 1)
        api.release_call(instance, 2)
        api.destroy(instance)

        let frames = host.recorder.frames.withLock { $0 }
        Self.expectBoundedStderr(frames, callID: 1, written: flood, lineBytes: 1023)
        let quiet = frames.filter { $0.callID == 2 && $0.kind == SY_FRAME_LOG }.map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(quiet == (0..<20).map { "stderr line \($0) of 20" }, "the quiet call's own lines, all, in order")
        #expect(try JSONValue(parsing: frames.filter { $0.callID == 2 && $0.kind == SY_FRAME_RESULT }.flatMap(\.bytes))
                == ["lines": 20])
        // Every line belonged to a call: none reached the instance-wide log.
        let unclaimed = host.recorder.logLines.withLock { $0 }.filter { $0.hasPrefix("eee") || $0.hasPrefix("stderr line") }
        #expect(unclaimed.isEmpty, "\(unclaimed.count) lines logged without their call")
        await expectBackTo(base)
    }
}
