import Foundation
import Testing

/// The worker JavaScript in Plugins/bun/js is real JavaScript: each file passes `node --check`
/// as a module or script of its own, and so do the two files the adapter writes by joining parts.
extension BunAdapterTests {
    static let scriptDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Plugins/bun/js").standardized

    @Test("the worker scripts are valid JavaScript", .timeLimit(.minutes(1)))
    func workerScriptsParse() throws {
        let node = try #require(Self.nodePath, "node is not on PATH")
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.scriptDirectory.path).sorted()
        #expect(files == ["convention.js", "per-call-helpers.mjs", "per-call.mjs", "worker.mjs"])
        func text(_ name: String) throws -> String {
            try String(contentsOf: Self.scriptDirectory.appendingPathComponent(name), encoding: .utf8)
        }
        // The helpers export functions convention.js declares: they are only whole together,
        // as WorkerScript.swift joins them.
        let joined = try [
            ("worker-joined.mjs", text("worker.mjs") + text("convention.js")),
            ("per-call-helpers-joined.mjs", text("convention.js") + text("per-call-helpers.mjs")),
        ]
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-js-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var paths = files.filter { $0 != "per-call-helpers.mjs" }.map { Self.scriptDirectory.appendingPathComponent($0).path }
        for (name, source) in joined {
            let path = scratch.appendingPathComponent(name).path
            try source.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        for path in paths {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: node)
            check.arguments = ["--check", path]
            let errors = Pipe()
            check.standardError = errors
            try check.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            check.waitUntilExit()
            #expect(check.terminationStatus == 0, "node --check \(path): \(message)")
        }
    }
}
