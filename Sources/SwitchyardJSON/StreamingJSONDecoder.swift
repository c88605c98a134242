/// Decodes one JSON value incrementally, as its bytes arrive in chunks of any size.
///
/// Hand-written because no library in the package mirror parses JSON as a push stream: Foundation
/// and swift-extras need the whole text in one buffer, which is the second full copy of a large
/// tool output this decoder exists to avoid. The decoder keeps only the value built so far, plus
/// the bytes of the token in progress (a long string is kept in mapped chunks, each returned to the
/// kernel as it is copied into a string of exactly its size), so decoding an N-byte output peaks near N bytes.
///
/// It validates UTF-8 (invalid sequences are errors, never replaced), limits nesting depth, and
/// reports the byte offset and an excerpt of where the input went wrong.
public struct StreamingJSONDecoder: Sendable {
    /// Nesting deeper than this is rejected: deep trees overflow the stack when released.
    public static let maximumDepth = 512

    var state: State = .expectValue
    var containers: [ContainerKind] = []
    var arrays: [[JSONValue]] = []
    var objects: [[String: JSONValue]] = []
    var keys: [String] = []
    var result: JSONValue?

    /// Bytes of the token in progress: a number, a literal, or the current string segment.
    var token: [UInt8] = []
    /// The earlier bytes of a long string in progress.
    var longString: MappedByteChunks?
    var stringIsKey = false
    var unicodeEscape: UInt32 = 0
    var unicodeEscapeDigits = 0
    var highSurrogate: UInt32?
    var utf8 = UTF8StreamValidator()

    /// The value came whole from `WholeValueParser`: no buffer or stack was touched since init.
    var holdsWholeValue = false

    /// Bytes consumed so far.
    public private(set) var byteCount = 0

    /// Creates a decoder for one JSON value.
    public init() {}

    /// Feeds the next chunk.
    /// - Throws: `JSONDecodingError` as soon as the bytes cannot be the start of one JSON value.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        if byteCount == 0, case .expectValue = state, let value = WholeValueParser.parse(chunk) {
            result = value
            state = .done
            byteCount = chunk.count
            holdsWholeValue = true
            return
        }
        guard let base = chunk.baseAddress else { return }
        let chunkStart = byteCount
        var index = 0
        let count = chunk.count
        do {
            while index < count {
                if case .inString = state, highSurrogate == nil {
                    // Bulk path: a run of string bytes with nothing to unescape, found a word at a
                    // time, validated as UTF-8 only if it holds non-ASCII bytes, copied at once.
                    let run = ASCIIScan.stringRunEnd(base, from: index, count: count)
                    if run.end > index {
                        let bytes = UnsafeRawBufferPointer(rebasing: chunk[index..<run.end])
                        if run.hasNonASCII || !utf8.isAtCharacterBoundary, let bad = utf8.validate(bytes) {
                            byteCount += bad
                            throw error("invalid UTF-8 in a string")
                        }
                        appendStringBytes(bytes)
                        byteCount += run.end - index
                        index = run.end
                        continue
                    }
                }
                try consume(chunk[index])
                byteCount += 1
                index += 1
            }
        } catch var failure as JSONDecodingError {
            let position = byteCount - chunkStart
            let lower = max(0, position - 20)
            let upper = min(chunk.count, position + 20)
            if lower < upper { failure.excerpt = String(decoding: chunk[lower..<upper], as: UTF8.self) }
            throw failure
        }
    }

    /// Feeds the next chunk.
    /// - Throws: `JSONDecodingError` as soon as the bytes cannot be the start of one JSON value.
    @inlinable
    public mutating func feed(_ chunk: some Collection<UInt8>) throws {
        let handled: Void? = try chunk.withContiguousStorageIfAvailable { buffer in
            try feed(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            let copy = Array(chunk)
            try copy.withUnsafeBytes { try feed($0) }
        }
    }

    /// Ends the input and returns the value; the decoder is then reset.
    /// - Throws: `JSONDecodingError` when the input is empty, incomplete or not JSON.
    public mutating func finish() throws -> JSONValue {
        if case .inNumber = state { try completeNumber() }
        guard case .done = state, let value = result else {
            let reason = byteCount == 0 ? "empty input, expected a JSON value" : "unexpected end of input"
            throw error(reason)
        }
        if holdsWholeValue {
            // Only these fields moved since init: resetting them is cheaper than replacing self.
            (result, state, byteCount, holdsWholeValue) = (nil, .expectValue, 0, false)
        } else {
            self = StreamingJSONDecoder()
        }
        return value
    }

    func error(_ reason: String) -> JSONDecodingError {
        // feed(_:) replaces the excerpt with the bytes around the offset in the chunk.
        let excerpt = String(decoding: token.suffix(40), as: UTF8.self)
        return JSONDecodingError(reason: reason, offset: byteCount, excerpt: excerpt)
    }
}

/// A JSON text that did not parse: what was wrong, at which byte, with a short excerpt.
public struct JSONDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public var reason: String
    /// Byte offset in the whole input where it went wrong.
    public var offset: Int
    /// Up to 40 bytes around the offset, lossily decoded.
    public var excerpt: String

    /// Creates an error.
    public init(reason: String, offset: Int, excerpt: String) {
        self.reason = reason
        self.offset = offset
        self.excerpt = excerpt
    }

    /// `REASON at byte N near "EXCERPT"`.
    public var description: String {
        excerpt.isEmpty ? "\(reason) at byte \(offset)" : "\(reason) at byte \(offset) near \"\(excerpt)\""
    }
}

extension JSONValue {
    /// Parses one JSON value from UTF-8 bytes.
    /// - Throws: `JSONDecodingError` naming the offset and an excerpt.
    @inlinable
    public init(parsing bytes: some Collection<UInt8>) throws {
        var decoder = StreamingJSONDecoder()
        try decoder.feed(bytes)
        self = try decoder.finish()
    }

    /// Parses one JSON value from text.
    /// - Throws: `JSONDecodingError` naming the offset and an excerpt.
    public init(parsing text: String) throws {
        var text = text
        self = try text.withUTF8 { try JSONValue(parsing: $0) }
    }
}
