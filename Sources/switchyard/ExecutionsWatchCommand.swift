import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardJSON
import SwitchyardServer

/// `switchyard executions watch EXEC_ID [--server URL | --project DIR] [--api-key KEY] [--json]`:
/// follows an execution through a running `serve`'s event stream (`GET …/events`), or through a
/// project's store (an execution `switchyard run` holds), one line per event, until its final
/// status; exits like `run` (0 SUCCESS, 1 any other end, 2 when neither the server nor the store
/// knows the execution). With neither option it asks the server at the default address and, when
/// none answers there, follows the current directory's store if it has one.
struct ExecutionsWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Follows a running execution's events (from `switchyard serve`) until it ends.")

    @Argument(help: "The execution id.")
    var execID: String

    @Option(help: "The server's address (what `serve` printed, with or without /api/v0; default \(Self.defaultServer)).")
    var server: String?

    @Option(help: "Follow the execution in this project's store instead of a server (one `switchyard run` holds).")
    var project: String?

    @Option(help: "The server's API key (else $SWITCHYARD_API_KEY). Visible in /proc/PID/cmdline: prefer the variable.")
    var apiKey: String?

    @Flag(help: "Print each event as its JSON object, one a line.")
    var json = false

    /// Reconnections (with `Last-Event-ID`) after a stream that broke before the final status.
    static let reconnects = 3
    /// Where `serve` listens by default.
    static let defaultServer = "http://127.0.0.1:5001"
    /// How often the store is read again in store mode without a wake-up from its notifier.
    static let storeFallbackPoll = Duration.seconds(1)

    func run() async throws {
        let final: JSONValue
        if let project, server == nil {
            final = try await followStore(of: project)
        } else {
            do { final = try await followServer(server ?? Self.defaultServer) } catch let failure as CommandFailure
                where server == nil && failure.exitCode == 2 && FileManager.default.fileExists(atPath: ".switchyard/state.sqlite")
            {
                final = try await followStore(of: ".")
            }
        }
        let status = final["status"]?.stringValue ?? "?"
        guard status == "SUCCESS" else {
            var failure = CommandFailure(line: "execution \(execID) ended \(status)", exitCode: 1,
                                         kind: final["error"]?["kind"]?.stringValue ?? status.lowercased())
            // The final event, already printed, is the JSON answer.
            failure.reportedAsJSON = json
            throw failure
        }
    }

    /// Follows the project's store until the final status; answers the final event's data.
    private func followStore(of directory: String) async throws -> JSONValue {
        var follower = StoredEventFollower(store: try openStore(directory), execID: execID,
                                           fallbackPoll: Self.storeFallbackPoll)
        defer { follower.close() }
        var reader = EventStreamReader()
        while true {
            guard let (text, _) = try await follower.poll() else {
                throw CommandFailure(line: "error: \(execID): no such execution in the store of \(directory)", exitCode: 2,
                                     kind: "unknown_execution")
            }
            for event in reader.feed(text.utf8) {
                print(event)
                if event.type == "execution_finished" { return event.data }
            }
            guard await follower.waitForChange() else { throw CancellationError() }
        }
    }

    /// Follows the server's event stream until the final status; answers the final event's data.
    private func followServer(_ server: String) async throws -> JSONValue {
        var base = server.hasSuffix("/") ? String(server.dropLast()) : server
        if base.hasSuffix("/api/v0") { base.removeLast("/api/v0".count) }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw CommandFailure.usage("--server: \"\(server)\" is not an http:// or https:// address")
        }
        let path = execID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? execID
        let url = "\(base)/api/v0/executions/workflows/\(path)/events"
        let key = apiKey ?? ProcessInfo.processInfo.environment["SWITCHYARD_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        // A server that is not there is an answer at once (exit 2), not a connection retried
        // until the stream's (unbounded) deadline.
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = client.shutdown() }
        var reader = EventStreamReader()
        for attempt in 0...Self.reconnects {
            if let final = try await follow(url, key: key, client: client, reader: &reader) { return final }
            if attempt < Self.reconnects { try await Task.sleep(for: .milliseconds(200 << attempt)) }
        }
        throw CommandFailure(line: "error: \(url): the stream ended before the execution did (\(Self.reconnects) reconnects)",
                             exitCode: 2)
    }

    /// Reads one connection of the stream; answers the final event's data, or nil when the
    /// stream ended before it.
    private func follow(_ url: String, key: String?, client: HTTPClient,
                        reader: inout EventStreamReader) async throws -> JSONValue? {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let last = reader.lastID { request.headers.add(name: "Last-Event-ID", value: last) }
        let response: HTTPClientResponse
        do { response = try await client.execute(request, deadline: .distantFuture) } catch {
            throw CommandFailure(line: "error: --server: cannot reach \(url): \(error)", exitCode: 2)
        }
        guard response.status == .ok else {
            let body = try? await response.body.collect(upTo: 1 << 20)
            let envelope = body.flatMap { try? JSONValue(parsing: $0.readableBytesView) }
            let message = envelope?["error"]?["message"]?.stringValue ?? "HTTP \(response.status.code)"
            throw CommandFailure(line: "error: \(execID): \(message)", exitCode: 2)
        }
        do {
            for try await chunk in response.body {
                for event in reader.feed(chunk.readableBytesView) {
                    print(event)
                    if event.type == "execution_finished" { return event.data }
                }
            }
        } catch {
            return nil
        }
        return nil
    }

    /// Writes `event` at once, not buffered: a pipe reader sees each event as it comes.
    private func print(_ event: EventStreamReader.Event) {
        FileHandle.standardOutput.write(Data(((json ? event.data.jsonString : Self.line(event)) + "\n").utf8))
    }

    /// One line a person reads: `task_finished  fan/b  SUCCESS  12ms`.
    static func line(_ event: EventStreamReader.Event) -> String {
        let data = event.data
        func text(_ name: String) -> String? { data[name]?.stringValue }
        var parts = [event.type]
        switch event.type {
        case "task_started", "task_restored":
            parts += [text("path") ?? text("task_id") ?? "?", text("status")].compactMap { $0 }
        case "task_finished":
            parts += [text("path") ?? "?", text("status") ?? "?"]
            if let duration = data["duration_ms"]?.intValue { parts.append("\(duration)ms") }
            if let message = data["error"]?["message"]?.stringValue { parts.append(message) }
        case "tool_progress":
            parts += [text("task_id") ?? "?", (data["progress"] ?? .null).jsonString]
        case "tool_log":
            parts += [text("task_id") ?? "?", text("level") ?? "info", text("message") ?? ""]
        case "tool_failed":
            parts += [text("task_id") ?? "?", "error[\(data["error"]?["kind"]?.stringValue ?? "?")]:",
                      data["error"]?["message"]?.stringValue ?? ""]
        case "execution_finished":
            parts += [text("exec_id") ?? "?", text("status") ?? "?"]
            if let message = data["error"]?["message"]?.stringValue { parts.append(message) }
        default:
            parts.append(data.jsonString)
        }
        return parts.joined(separator: "  ")
    }
}

/// Splits a text/event-stream into events: `id:`, `event:` and `data:` lines up to a blank line;
/// comment lines (`:`) are skipped. Keeps the last id for `Last-Event-ID`.
struct EventStreamReader {
    struct Event {
        var id: String?
        var type: String
        var data: JSONValue
    }

    private(set) var lastID: String?
    private var pending: [UInt8] = []

    /// The events complete after `bytes`.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        pending.append(contentsOf: bytes)
        var events: [Event] = []
        while let end = blockEnd() {
            let block = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
            pending.removeSubrange(..<end.upperBound)
            var id: String?, type = "message", data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = line.hasSuffix("\r") ? line.dropLast() : line
                if line.isEmpty || line.hasPrefix(":") { continue }
                let (field, value) = line.firstIndex(of: ":").map {
                    (line[..<$0], line[line.index(after: $0)...].drop { $0 == " " })
                } ?? (line[...], ""[...])
                switch field {
                case "id": id = String(value)
                case "event": type = String(value)
                case "data": data.append(String(value))
                default: break
                }
            }
            if let id { lastID = id }
            guard !data.isEmpty else { continue }
            let text = data.joined(separator: "\n")
            events.append(Event(id: id, type: type, data: (try? JSONValue(parsing: text)) ?? .string(text)))
        }
        return events
    }

    /// Where the first complete block ends (its blank line).
    private func blockEnd() -> Range<Int>? {
        guard pending.count >= 2 else { return nil }
        for index in 1..<pending.count where pending[index] == 10 && pending[index - 1] == 10 {
            return (index - 1)..<(index + 1)
        }
        return nil
    }
}
