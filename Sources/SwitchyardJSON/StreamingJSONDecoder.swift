import Foundation

/// A JSON text that did not parse: what was wrong, at which byte, with a short excerpt.
public struct JSONDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public var reason: String
    /// Byte offset in the whole input where it went wrong.
    public var offset: Int
    /// Up to 40 bytes around the offset, lossily decoded.
    public var excerpt: String

    public init(reason: String, offset: Int, excerpt: String) {
        self.reason = reason
        self.offset = offset
        self.excerpt = excerpt
    }

    public var description: String { "\(reason) at byte \(offset) near \"\(excerpt)\"" }
}

/// Decodes one JSON value incrementally as its bytes arrive (TEMPORARY body: being replaced by
/// the incremental push parser; the API stays).
public struct StreamingJSONDecoder: Sendable {
    private var buffer: [UInt8] = []

    /// Creates a decoder for one JSON value.
    public init() {}

    /// Bytes consumed so far.
    public var byteCount: Int { buffer.count }

    /// Feeds the next chunk.
    /// - Throws: `JSONDecodingError` as soon as the bytes cannot be JSON.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: chunk)
    }

    /// Feeds the next chunk.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws {
        buffer.append(contentsOf: chunk)
    }

    /// Ends the input and returns the value.
    /// - Throws: `JSONDecodingError` when the input is incomplete or not JSON.
    public mutating func finish() throws -> JSONValue {
        defer { buffer = [] }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(buffer), options: [.fragmentsAllowed])
        } catch {
            throw JSONDecodingError(reason: "invalid JSON", offset: 0,
                                    excerpt: String(decoding: buffer.prefix(40), as: UTF8.self))
        }
        return JSONValue(foundation: object)
    }
}

extension JSONValue {
    /// Parses one JSON value from UTF-8 bytes.
    /// - Throws: `JSONDecodingError` naming the offset and an excerpt.
    public init(parsing bytes: some Collection<UInt8>) throws {
        var decoder = StreamingJSONDecoder()
        try decoder.feed(bytes)
        self = try decoder.finish()
    }

    /// Parses one JSON value from text.
    /// - Throws: `JSONDecodingError` naming the offset and an excerpt.
    public init(parsing text: String) throws {
        try self.init(parsing: Array(text.utf8))
    }

    init(foundation object: Any) {
        switch object {
        case is NSNull: self = .null
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { self = .bool(number.boolValue) }
            else if let exact = Int64(exactly: number.doubleValue), !"\(number)".contains(".") { self = .int(exact) }
            else { self = .double(number.doubleValue) }
        case let text as String: self = .string(text)
        case let list as [Any]: self = .array(list.map(JSONValue.init(foundation:)))
        case let map as [String: Any]: self = .object(map.mapValues(JSONValue.init(foundation:)))
        default: self = .null
        }
    }
}
