/// One frame of the pipe protocol between the host and an adapter helper process.
///
/// On the wire: a 16-byte header — payload length (`UInt32`), kind (`UInt8`), a small argument
/// (`UInt8`: the log level of a `log` frame), two reserved bytes, the call id (`UInt64`), all
/// little-endian — then the payload. Host and helper are the same build on the same machine, so
/// the format carries no version: a helper from another build is refused by its `ready` frame's
/// `protocol` number.
public struct HelperFrame: Sendable, Hashable {
    /// What a frame carries. Host-to-helper kinds start at 16 so a frame sent the wrong way is
    /// refused rather than misread.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        // Helper → host.
        /// The library is loaded and the instance created: `{"name", "version", "abi", "protocol"}`.
        public static let ready = Kind(rawValue: 1)
        /// A call's progress value (JSON).
        public static let progress = Kind(rawValue: 2)
        /// A call's log line (UTF-8 text; the level in `argument`).
        public static let log = Kind(rawValue: 3)
        /// A call's result (JSON). Terminal.
        public static let result = Kind(rawValue: 4)
        /// A call's error: `{"kind", "message", "tool_id"?, "details"?}`. Terminal.
        public static let error = Kind(rawValue: 5)
        /// The answer to `describe`: the adapter's JSON array of tools.
        public static let described = Kind(rawValue: 6)
        /// The helper could not load the library or create the instance: an error object as in
        /// `error`. The helper exits after sending it.
        public static let startFailed = Kind(rawValue: 7)

        // Host → helper.
        /// The first frame: `{"library", "adapter_id", "config", "allowed_directories",
        /// "sha256"?, "max_output_bytes", "cancel_grace_ms", "limits"}`.
        public static let configure = Kind(rawValue: 16)
        /// Starts a call: `{"tool", "input", "config", "env", "timeout_ms"}`.
        public static let call = Kind(rawValue: 17)
        /// Cancels a call (no payload).
        public static let cancel = Kind(rawValue: 18)
        /// Asks for the tools; answered by `described` or `error` with the same call id.
        public static let describe = Kind(rawValue: 19)
        /// Destroy the instance and exit 0 once every call ended (no payload).
        public static let shutdown = Kind(rawValue: 20)

        public var description: String {
            switch self {
            case .ready: "ready"
            case .progress: "progress"
            case .log: "log"
            case .result: "result"
            case .error: "error"
            case .described: "described"
            case .startFailed: "start_failed"
            case .configure: "configure"
            case .call: "call"
            case .cancel: "cancel"
            case .describe: "describe"
            case .shutdown: "shutdown"
            default: "kind \(rawValue)"
            }
        }

        /// Whether the frame ends its call.
        public var isTerminal: Bool { self == .result || self == .error || self == .described }
    }

    /// The protocol number both sides compare in `ready`.
    public static let protocolVersion = 1
    /// Bytes before the payload.
    public static let headerSize = 16

    /// What the frame carries.
    public var kind: Kind
    /// The log level of a `log` frame; 0 otherwise.
    public var argument: UInt8
    /// The call the frame belongs to (0 for frames about the helper itself).
    public var callID: UInt64
    /// The payload bytes.
    public var payload: [UInt8]

    /// Creates a frame.
    public init(_ kind: Kind, callID: UInt64 = 0, argument: UInt8 = 0, payload: [UInt8] = []) {
        self.kind = kind
        self.argument = argument
        self.callID = callID
        self.payload = payload
    }

    /// The frame as it goes on the wire.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize + payload.count)
        Self.appendHeader(kind: kind, argument: argument, callID: callID, payloadLength: payload.count, to: &bytes)
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// Appends a header; the payload follows it.
    public static func appendHeader(kind: Kind, argument: UInt8 = 0, callID: UInt64, payloadLength: Int,
                                    to bytes: inout [UInt8]) {
        let length = UInt32(truncatingIfNeeded: payloadLength)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        bytes.append(kind.rawValue)
        bytes.append(argument)
        bytes.append(0)
        bytes.append(0)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: callID >> UInt64(shift))) }
    }
}

extension HelperFrame {
    /// Writes the payload length into a frame built as header, then payload.
    public static func patchPayloadLength(of frame: inout [UInt8]) {
        let length = UInt32(truncatingIfNeeded: frame.count - headerSize)
        for index in 0..<4 { frame[index] = UInt8(truncatingIfNeeded: length >> UInt32(8 * index)) }
    }
}

/// Splits a byte stream into ``HelperFrame``s as bytes arrive.
public struct HelperFrameParser: Sendable {
    /// A frame longer than this is a protocol violation (the peer is broken or hostile).
    public let maxPayloadBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0

    /// A frame whose announced length passed the limit.
    public struct OversizedFrame: Error, Sendable, CustomStringConvertible {
        /// The announced payload length.
        public var length: Int
        /// The limit it passed.
        public var limit: Int
        public var description: String { "a frame announced \(length) payload bytes, over the limit of \(limit)" }
    }

    /// Creates a parser refusing payloads over `maxPayloadBytes`.
    public init(maxPayloadBytes: Int) {
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// Appends bytes read from the pipe.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or `nil` until more bytes arrive.
    /// - Throws: ``OversizedFrame`` when a header announces too long a payload.
    public mutating func next() throws(OversizedFrame) -> HelperFrame? {
        let available = buffer.count - start
        guard available >= HelperFrame.headerSize else { return compactIfWorthIt() }
        let length = buffer.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: start, as: UInt32.self).littleEndian) }
        guard length <= maxPayloadBytes else { throw OversizedFrame(length: length, limit: maxPayloadBytes) }
        guard available >= HelperFrame.headerSize + length else { return compactIfWorthIt() }
        let (kind, argument, callID) = buffer.withUnsafeBytes { raw in
            (raw[start + 4], raw[start + 5], raw.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self).littleEndian)
        }
        let payloadStart = start + HelperFrame.headerSize
        let payload = Array(buffer[payloadStart..<payloadStart + length])
        start = payloadStart + length
        return HelperFrame(HelperFrame.Kind(rawValue: kind), callID: callID, argument: argument, payload: payload)
    }

    /// Drops consumed bytes once they are most of the buffer, so a long stream does not grow it.
    private mutating func compactIfWorthIt() -> HelperFrame? {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        return nil
    }
}
