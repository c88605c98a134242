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
    init(projectDirectory: String, apiKey: String? = nil) throws {
        var arguments = ["serve", "--project", projectDirectory, "--port", "0"]
        if let apiKey { arguments += ["--api-key", apiKey] }
        let (process, _, errorPipe) = try EngineCommandTests.launch(arguments)
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
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// One request; answers the HTTP status and the parsed envelope.
    func request(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, rawBody: String? = nil,
                 key: String?? = .none, scheme: String = "Bearer") async throws -> (status: Int, envelope: JSONValue) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let text = rawBody ?? body?.jsonString {
            request.body = .bytes(ByteBuffer(string: text))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let bearer: String? = switch key { case .none: apiKey; case .some(let given): given }
        if let bearer { request.headers.add(name: "Authorization", value: "\(scheme) \(bearer)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), try JSONValue(parsing: bytes.readableBytesView))
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

    /// SIGTERM, then waits for the exit.
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
