import SwitchyardJSON

/// Decodes one call's output stream of frames and chunks (`sy_frame`) into `ToolEvent`s and the
/// call's outcome.
///
/// The one streaming decoder every adapter's output goes through: payload bytes go straight into
/// a `StreamingJSONDecoder` as they arrive (never collected and copied a second time), and the
/// output limit is enforced while they stream, not after.
///
/// - Important: Not thread-safe; a call guards its decoder with its own lock.
public struct FrameStreamDecoder: Sendable {
    /// What a frame carries (`SY_FRAME_*`).
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: UInt32
        /// Creates a kind from its ABI value.
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// `SY_FRAME_PROGRESS`: a JSON progress value. Not terminal.
        public static let progress = Kind(rawValue: 1)
        /// `SY_FRAME_LOG`: UTF-8 text for the log. Not terminal.
        public static let log = Kind(rawValue: 2)
        /// `SY_FRAME_RESULT`: the call's output. Terminal.
        public static let result = Kind(rawValue: 3)
        /// `SY_FRAME_ERROR`: `{"kind", "message", "details"}`. Terminal.
        public static let error = Kind(rawValue: 4)

        /// `true` for the kinds that end a call.
        public var isTerminal: Bool { self == .result || self == .error }

        /// The kind's name as the ABI spells it, for messages.
        public var description: String {
            switch self {
            case .progress: "PROGRESS"
            case .log: "LOG"
            case .result: "RESULT"
            case .error: "ERROR"
            default: "kind \(rawValue)"
            }
        }
    }

    /// `SY_FRAME_FLAG_*`.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        /// Creates flags from their ABI bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// The payload continues in the next chunk, which has the same kind.
        public static let more = Flags(rawValue: 1)
        /// The last chunk of the terminal frame: the call has ended.
        public static let endOfStream = Flags(rawValue: 2)
    }

    /// What one consumed chunk produced.
    public enum Step: Sendable, Hashable {
        /// A chunk of a frame that continues; nothing to report yet.
        case incomplete
        /// A complete progress or log frame.
        case event(ToolEvent)
        /// The terminal frame: the call's output (always an object) or its error.
        case finished(Result<JSONValue, ToolError>)
    }

    /// Bytes of RESULT and PROGRESS payloads allowed over the whole call.
    public let maxOutputBytes: Int
    /// Bytes of RESULT and PROGRESS payloads consumed so far.
    public private(set) var outputBytes = 0
    /// `true` once the terminal frame was decoded (or decoding failed).
    public private(set) var isFinished = false
    /// The tool the call is for, named in errors.
    public var toolID: String?

    private var pendingKind: Kind?
    private var json = StreamingJSONDecoder()
    private var utf8 = UTF8StreamValidator()
    private var text: [UInt8] = []
    private var frameBytes = 0

    /// Log text kept per frame; a longer line is cut, as a log line is no place for megabytes.
    static let maxLogBytes = 64 << 10

    /// Creates a decoder for one call.
    /// - Parameters:
    ///   - maxOutputBytes: the limit over RESULT and PROGRESS payload bytes (default 10 MiB).
    ///   - toolID: the tool the call is for, named in errors.
    public init(maxOutputBytes: Int = 10 << 20, toolID: String? = nil) {
        self.maxOutputBytes = maxOutputBytes
        self.toolID = toolID
    }

    /// Consumes one frame or chunk.
    /// - Parameters:
    ///   - kind: the frame kind.
    ///   - flags: `more` / `endOfStream`.
    ///   - logLevel: `SY_LOG_*`, read for LOG frames only.
    ///   - payload: the chunk's bytes (borrowed for the duration of the call).
    /// - Returns: what the chunk completed.
    /// - Throws: `ToolError` `.protocol` (malformed JSON, non-UTF-8, a chunk of a different kind,
    ///   bad flags, an unknown kind, a frame after the end) or `.outputLimit`; after a throw the
    ///   decoder is finished.
    public mutating func consume(kind: Kind, flags: Flags, logLevel: Int32 = 0,
                                 payload: UnsafeRawBufferPointer) throws(ToolError) -> Step {
        do {
            return try decode(kind: kind, flags: flags, logLevel: logLevel, payload: payload)
        } catch {
            isFinished = true
            throw error
        }
    }

    private mutating func decode(kind: Kind, flags: Flags, logLevel: Int32,
                                 payload: UnsafeRawBufferPointer) throws(ToolError) -> Step {
        guard !isFinished else { throw failure(.protocol, "a \(kind) frame arrived after the call ended") }
        if let pendingKind, pendingKind != kind {
            throw failure(.protocol, "a \(kind) chunk continues a \(pendingKind) frame")
        }
        let more = flags.contains(.more)
        let end = flags.contains(.endOfStream)
        switch kind {
        case .progress, .log:
            if end { throw failure(.protocol, "a \(kind) frame carries SY_FRAME_FLAG_END_OF_STREAM") }
        case .result, .error:
            if more && end {
                throw failure(.protocol, "a \(kind) chunk carries both SY_FRAME_FLAG_MORE and END_OF_STREAM")
            }
            if !more && !end {
                throw failure(.protocol, "the last chunk of a \(kind) frame lacks SY_FRAME_FLAG_END_OF_STREAM")
            }
        default:
            throw failure(.protocol, "unknown frame kind \(kind.rawValue)")
        }
        if pendingKind == nil { startFrame() }
        pendingKind = more ? kind : nil
        frameBytes += payload.count

        if let bad = utf8.validate(payload) {
            throw failure(.protocol, "\(kind) payload is not valid UTF-8 at byte \(frameBytes - payload.count + bad)"
                          + " near \"\(Self.excerpt(payload, around: bad))\"")
        }
        if !more && !utf8.isAtCharacterBoundary {
            throw failure(.protocol, "\(kind) payload ends inside a UTF-8 character")
        }

        switch kind {
        case .log:
            let room = Self.maxLogBytes - text.count
            if room > 0 { text.append(contentsOf: payload.prefix(room)) }
            if more { return .incomplete }
            let level = ToolLogLevel(rawValue: min(max(logLevel, 0), 4)) ?? .info
            // Cutting at the byte limit may split a character; decoding repairs it.
            return .event(.log(level, String(decoding: text, as: UTF8.self)))
        case .progress, .result:
            outputBytes += payload.count
            if outputBytes > maxOutputBytes {
                throw failure(.outputLimit, "the output passed the limit of \(maxOutputBytes) bytes")
            }
            try feed(payload, kind: kind)
            if more { return .incomplete }
            let value = try finishJSON(kind: kind)
            if kind == .progress { return .event(.progress(value)) }
            isFinished = true
            return .finished(.success(Self.outputObject(value)))
        default:  // .error
            if frameBytes > maxOutputBytes {
                throw failure(.outputLimit, "the error frame passed the limit of \(maxOutputBytes) bytes")
            }
            try feed(payload, kind: kind)
            if more { return .incomplete }
            let value = try finishJSON(kind: kind)
            isFinished = true
            return .finished(.failure(try errorFrame(value)))
        }
    }

    /// Wraps a RESULT that is not an object (compozy's convention): `null` → `{}`, any other
    /// value → `{"value": x}`.
    public static func outputObject(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object: value
        case .null: .emptyObject
        default: .object(["value": value])
        }
    }

    private mutating func startFrame() {
        // A decoder that finished its last value reset itself; replacing it again costs a
        // destroy and a re-initialization of all its buffers.
        if json.byteCount != 0 { json = StreamingJSONDecoder() }
        utf8.reset()
        text.removeAll(keepingCapacity: true)
        frameBytes = 0
    }

    private mutating func feed(_ payload: UnsafeRawBufferPointer, kind: Kind) throws(ToolError) {
        do {
            try json.feed(payload)
        } catch {
            throw failure(.protocol, "malformed JSON in a \(kind) frame: \(error)")
        }
    }

    private mutating func finishJSON(kind: Kind) throws(ToolError) -> JSONValue {
        do {
            return try json.finish()
        } catch {
            throw failure(.protocol, "malformed JSON in a \(kind) frame: \(error)")
        }
    }

    /// Kinds an ERROR frame may name (the header's list); anything else becomes `tool_error`.
    private static let errorFrameKinds = Set(ToolError.Kind.errorFrameKinds.map(\.rawValue))

    private func errorFrame(_ value: JSONValue) throws(ToolError) -> ToolError {
        guard case .object(let members) = value else {
            throw failure(.protocol, "an ERROR frame is not a JSON object {\"kind\", \"message\", \"details\"}: "
                          + Self.excerpt(value.jsonString))
        }
        let kindName = members["kind"]?.stringValue ?? ToolError.Kind.toolError.rawValue
        let kind = Self.errorFrameKinds.contains(kindName) ? ToolError.Kind(rawValue: kindName) : .toolError
        let message = members["message"]?.stringValue ?? "the tool failed without a message"
        let details: String? =
            switch members["details"] {
            case nil, .null?: nil
            case .string(let text)?: text
            case let other?: other.jsonString
            }
        return ToolError(kind, message, toolID: toolID, details: details)
    }

    private func failure(_ kind: ToolError.Kind, _ message: String) -> ToolError {
        ToolError(kind, toolID.map { "tool \"\($0)\": \(message)" } ?? message, toolID: toolID)
    }

    static func excerpt(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    static func excerpt(_ bytes: UnsafeRawBufferPointer, around index: Int) -> String {
        let start = max(0, index - 16)
        let end = min(bytes.count, index + 16)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
