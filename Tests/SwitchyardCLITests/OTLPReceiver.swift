import Foundation
import SwitchyardJSON
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on loopback for the tests (keep-alive connections, `Content-Length`
/// bodies): every request is kept and answered `200` with what `answer` gives. As an OTLP/HTTP
/// receiver (the default answer, `{}` like a collector) it decodes the OTLP/JSON spans it got.
final class OTLPReceiver: @unchecked Sendable {
    /// One request as received; header names lowercased.
    struct ReceivedRequest: Sendable {
        var path: String
        var headers: [String: String]
        var body: [UInt8]
    }

    /// One received span, its ids as lowercase hex.
    struct ReceivedSpan: Sendable, CustomStringConvertible {
        var name: String
        var traceID: String
        var spanID: String
        /// Empty for a root span.
        var parentSpanID: String
        var attributes: [String: String]
        var serviceName: String?

        var description: String { "\(name) [\(spanID) <- \(parentSpanID.isEmpty ? "root" : parentSpanID)]" }
    }

    let port: Int
    private let listener: Int32
    private let answer: @Sendable (ReceivedRequest) -> String
    private let lock = NSLock()
    private var received: [ReceivedRequest] = []
    private var stopped = false

    /// Listens on an ephemeral loopback port and serves connections on a thread of its own.
    /// - Parameter answer: the JSON body answering a request.
    init(answer: @escaping @Sendable (ReceivedRequest) -> String = { _ in "{}" }) throws {
        self.answer = answer
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ReceiverError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw ReceiverError("bind/listen on loopback: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// The traces endpoint to give the exporter.
    var tracesEndpoint: String { "http://127.0.0.1:\(port)/v1/traces" }

    /// Stops accepting; connections already open end with their peer.
    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// The requests received so far, oldest first.
    var requests: [ReceivedRequest] { lock.withLock { received } }

    /// Every span received so far, decoded from the OTLP/JSON bodies, and from OTLP/protobuf
    /// ones by opentelemetry-proto's generated messages (`scripts/setup.sh` installs them).
    func spans() throws -> [ReceivedSpan] {
        try requests.flatMap { request in
            guard request.headers["content-type"] == "application/x-protobuf" else { return try Self.decode(request.body) }
            return try Self.decode(try Self.protobufAsJSON(request.body))
        }
    }

    /// `body`, an `ExportTraceServiceRequest` in binary protobuf, as protobuf's JSON mapping.
    static func protobufAsJSON(_ body: [UInt8]) throws -> [UInt8] {
        let script = """
            import sys
            from google.protobuf.json_format import MessageToJson
            from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
            request = ExportTraceServiceRequest()
            request.ParseFromString(sys.stdin.buffer.read())
            print(MessageToJson(request))
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        python.standardInput = input
        python.standardOutput = output
        python.standardError = errors
        try python.run()
        input.fileHandleForWriting.write(Data(body))
        try input.fileHandleForWriting.close()
        let json = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        guard python.terminationStatus == 0 else {
            throw ReceiverError("opentelemetry-proto could not decode a \(body.count)-byte export: \(problem)")
        }
        return Array(json)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if lock.withLock({ stopped }) { return }
                continue
            }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    /// Reads requests off one connection until the peer closes it.
    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer: [UInt8] = []
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            guard let headEnd = Self.find(separator, in: buffer) else {
                guard read(into: &buffer, from: connection) else { return }
                continue
            }
            let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
            let lines = head.components(separatedBy: "\r\n")
            let path = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
            }
            let length = headers["content-length"].flatMap { Int($0) } ?? 0
            let bodyStart = headEnd + separator.count
            while buffer.count < bodyStart + length {
                guard read(into: &buffer, from: connection) else { return }
            }
            let request = ReceivedRequest(path: path, headers: headers, body: Array(buffer[bodyStart..<(bodyStart + length)]))
            buffer.removeFirst(bodyStart + length)
            lock.withLock { received.append(request) }
            let body = Array(answer(request).utf8)
            let response = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
            _ = response.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    private func read(into buffer: inout [UInt8], from connection: Int32) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(connection, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    /// `resourceSpans[].scopeSpans[].spans[]` of one ExportTraceServiceRequest in OTLP/JSON.
    static func decode(_ body: [UInt8]) throws -> [ReceivedSpan] {
        let request = try JSONValue(parsing: body)
        var spans: [ReceivedSpan] = []
        for resource in request["resourceSpans"]?.arrayValue ?? [] {
            let resourceAttributes = attributes(resource["resource"]?["attributes"])
            for scope in resource["scopeSpans"]?.arrayValue ?? [] {
                for span in scope["spans"]?.arrayValue ?? [] {
                    spans.append(ReceivedSpan(
                        name: span["name"]?.stringValue ?? "",
                        traceID: hexID(span["traceId"]), spanID: hexID(span["spanId"]),
                        parentSpanID: hexID(span["parentSpanId"]), attributes: attributes(span["attributes"]),
                        serviceName: resourceAttributes["service.name"]))
                }
            }
        }
        return spans
    }

    private static func attributes(_ list: JSONValue?) -> [String: String] {
        var result: [String: String] = [:]
        for attribute in list?.arrayValue ?? [] {
            guard let key = attribute["key"]?.stringValue, let value = attribute["value"] else { continue }
            result[key] = value["stringValue"]?.stringValue ?? value.objectValue?.values.first.map {
                $0.stringValue ?? $0.jsonString
            }
        }
        return result
    }

    /// OTLP/JSON asks for hex ids; protobuf's JSON mapping writes bytes as base64. Either is read.
    private static func hexID(_ value: JSONValue?) -> String {
        guard let text = value?.stringValue, !text.isEmpty else { return "" }
        let isHex = (text.count == 32 || text.count == 16) && text.allSatisfy(\.isHexDigit)
        if isHex { return text.lowercased() }
        guard let bytes = Data(base64Encoded: text) else { return text }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    struct ReceiverError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
