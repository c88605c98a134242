import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardJSON

/// A real HTTP client on an execution's event stream (`GET …/events`): reads Server-Sent Events
/// as they arrive.
struct EventStreamClient {
    struct Event: Equatable {
        var id: Int
        var type: String
        var data: JSONValue
    }

    let status: Int
    let contentType: String?
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var pending = ""

    /// Opens the stream of `execID`, with `Last-Event-ID` when given.
    init(port: Int, execID: String, lastEventID: String? = nil, key: String? = nil) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v0/executions/workflows/\(execID)/events")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        status = Int(response.status.code)
        contentType = response.headers.first(name: "Content-Type")
        body = response.body.makeAsyncIterator()
    }

    /// The next event, or nil once the server ended the stream. Comment lines are skipped.
    mutating func next() async throws -> Event? {
        while true {
            if let end = pending.range(of: "\n\n") {
                let block = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                var id = 0, type = "", data = ""
                for line in block.split(separator: "\n") where !line.hasPrefix(":") {
                    if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) ?? -1 }
                    if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data += line.dropFirst(6) }
                }
                if data.isEmpty { continue }
                return Event(id: id, type: type, data: try JSONValue(parsing: data))
            }
            guard let chunk = try await body.next() else { return nil }
            pending += String(buffer: chunk)
        }
    }

    /// Events up to and including the first that `last` holds for (or until the stream ends).
    mutating func events(through last: (Event) -> Bool) async throws -> [Event] {
        var events: [Event] = []
        while let event = try await next() {
            events.append(event)
            if last(event) { break }
        }
        return events
    }

    /// Every event until the end of the stream.
    mutating func all() async throws -> [Event] { try await events { _ in false } }
}
