import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardJSON

/// A real `switchyard serve --port 0` process on a project directory, and JSON requests to it
/// over loopback HTTP.
final class APIServerHarness: @unchecked Sendable {
    let process: Process
    let port: Int
    let apiKey: String?
    private let errorLines: Pipe

    /// Starts the server and waits for its "serving ... on http://127.0.0.1:PORT" line.
    /// - Parameters:
    ///   - apiKey: passed as `--api-key` (and sent by `request`), unless `keyArguments` says otherwise.
    ///   - arguments: more `serve` flags.
    ///   - environment: variables added to the server's environment.
    ///   - openFileLimit: the server's `RLIMIT_NOFILE` (set by `ulimit -n` in a shell that execs it).
    init(projectDirectory: String, apiKey: String? = nil, keyArguments: [String]? = nil, arguments extra: [String] = [],
         environment: [String: String] = [:], openFileLimit: Int? = nil) throws {
        var arguments = ["serve", "--project", projectDirectory, "--port", "0"] + extra
        if let keyArguments { arguments += keyArguments } else if let apiKey { arguments += ["--api-key", apiKey] }
        let process = Process()
        if let openFileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(openFileLimit) && exec \"$0\" \"$@\"", EngineCommandTests.binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: EngineCommandTests.binary)
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errorPipe = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorPipe
        try process.run()
        self.process = process
        self.errorLines = errorPipe
        self.apiKey = apiKey
        var seen = Data()
        var port: Int?
        while port == nil {
            let chunk = errorPipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
            let text = String(decoding: seen, as: UTF8.self)
            if let range = text.range(of: #"http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last ?? "")
            }
        }
        guard let port else {
            process.terminate()
            throw HarnessError("the server did not start: \(String(decoding: seen, as: UTF8.self))")
        }
        self.port = port
        // Keep reading stderr: a full pipe would block the server.
        let collected = self.collected
        collected.append(seen)
        DispatchQueue.global().async {
            while case let chunk = errorPipe.fileHandleForReading.availableData, !chunk.isEmpty { collected.append(chunk) }
        }
    }

    private let collected = CollectedOutput()

    /// What the server printed on stderr so far.
    var stderrText: String { collected.text }

    /// Descriptors the server process has open now.
    var openDescriptors: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? -1
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// One request; answers the HTTP status and the parsed envelope.
    func request(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, rawBody: String? = nil,
                 key: String?? = .none, scheme: String = "Bearer") async throws -> (status: Int, envelope: JSONValue) {
        let answer = try await exchange(method, path, body: body, rawBody: rawBody, key: key, scheme: scheme)
        return (answer.status, answer.envelope)
    }

    /// One request with extra `headers`; answers the status, the parsed envelope and the
    /// response's headers.
    func exchange(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, rawBody: String? = nil,
                  headers: [(String, String)] = [], key: String?? = .none,
                  scheme: String = "Bearer") async throws -> (status: Int, envelope: JSONValue, headers: HTTPHeaders) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let text = rawBody ?? body?.jsonString {
            request.body = .bytes(ByteBuffer(string: text))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let bearer: String? = switch key { case .none: apiKey; case .some(let given): given }
        if let bearer { request.headers.add(name: "Authorization", value: "\(scheme) \(bearer)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        // A 204 has no body: its envelope is null.
        let envelope = bytes.readableBytes == 0 ? JSONValue.null : try JSONValue(parsing: bytes.readableBytesView)
        return (Int(response.status.code), envelope, response.headers)
    }

    /// Polls an execution until `done` holds for it (or 30 s pass); returns its last state.
    func waitForExecution(_ execID: String, until done: (JSONValue) -> Bool) async throws -> JSONValue {
        var state = JSONValue.null
        for _ in 0..<1500 {
            state = try await request(.GET, "/api/v0/executions/workflows/\(execID)").envelope["data"] ?? .null
            if done(state) { return state }
            try await Task.sleep(for: .milliseconds(20))
        }
        return state
    }

    /// SIGTERM, then waits (bounded) for the exit: its status, or -1 when the server did not
    /// exit within 30 s (then it is killed). Foundation's `waitUntilExit` is not used: it once
    /// never returned in a full run after the server had exited (Foundation learns of the exit
    /// through a socket the child inherits, which a process started meanwhile can hold).
    func stop() -> Int32 {
        process.terminate()
        let pid = process.processIdentifier
        for _ in 0..<3_000 where process.isRunning {
            // Exited but not yet seen by Foundation: reap it here.
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            usleep(10_000)
        }
        guard !process.isRunning else {
            kill(pid, SIGKILL)
            return -1
        }
        return process.terminationStatus
    }
}

/// Bytes appended from one thread and read from another.
final class CollectedOutput: @unchecked Sendable {
    private var data = Data()
    private let lock = NSLock()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
