import Foundation
import SwitchyardJSON

/// A running `Fixtures/fake_openai.py` (OpenAI chat completions and Anthropic Messages): a real HTTP server on loopback speaking the
/// chat-completions protocol, recording every request it gets.
public struct FakeOpenAIServer: Sendable {
    /// The `api_url` to configure (`http://127.0.0.1:PORT/v1`).
    public let baseURL: String
    /// Where the server appends one JSON line per request.
    public let logPath: String

    /// The requests received so far, oldest first: `{"path", "authorization", "body"}`.
    public func requests() throws -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }

    /// Waits (bounded) until the server has received `count` requests.
    public func waitForRequests(_ count: Int) async throws {
        for _ in 0..<2_000 where try requests().count < count {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Why the fake server did not start.
public enum FakeServerError: Error {
    case missingFixture, noPort(String)
}

/// Starts the fake server, runs `body` with it, and always terminates and reaps the process.
///
/// Foundation `Process` is used only here, for the fixture: the module under test never spawns.
/// Blocking waits (the port line, the exit) run off the cooperative pool, and the exit is
/// awaited through `terminationHandler`: `waitUntilExit()` on a pool thread can hang.
public func withFakeOpenAIServer<T>(_ body: (FakeOpenAIServer) async throws -> T) async throws -> T {
    guard let script = Bundle.module.url(forResource: "fake_openai", withExtension: "py", subdirectory: "Fixtures") else {
        throw FakeServerError.missingFixture
    }
    let logPath = FileManager.default.temporaryDirectory
        .appendingPathComponent("fake-openai-\(UUID().uuidString).jsonl").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, logPath]
    let stdout = Pipe()
    process.standardOutput = stdout
    let (exits, exited) = AsyncStream<Void>.makeStream()
    process.terminationHandler = { _ in exited.finish() }
    try process.run()

    let outcome: Result<T, any Error>
    do {
        let port = try await readPort(from: stdout.fileHandleForReading)
        outcome = .success(try await body(FakeOpenAIServer(baseURL: "http://127.0.0.1:\(port)/v1", logPath: logPath)))
    } catch {
        outcome = .failure(error)
    }
    process.terminate()
    for await _ in exits {}
    try? stdout.fileHandleForReading.close()
    try? FileManager.default.removeItem(atPath: logPath)
    return try outcome.get()
}

/// Reads the server's first stdout line (its port) on a dispatch thread.
private func readPort(from handle: FileHandle) async throws -> Int {
    let text = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
        DispatchQueue.global().async {
            var line: [UInt8] = []
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            continuation.resume(returning: String(decoding: line, as: UTF8.self))
        }
    }
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let port = Int(trimmed) else { throw FakeServerError.noPort(trimmed) }
    return port
}
