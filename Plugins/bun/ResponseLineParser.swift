/// Splits a worker's stdout into frames without parsing JSON: each line is
/// `<id> <p|r|e|a> <byteLength> <payload>\n`. Bytes that do not fit that shape (a tool printing to
/// stdout, invalid UTF-8) are a protocol violation, reported with an excerpt.
struct ResponseLineParser {
    /// What a header announced.
    struct Header: Equatable {
        var wireID: UInt64
        var kind: UInt8
        var length: Int
    }

    enum Event {
        /// A new line begins; its payload follows in `.payload` events.
        case header(Header)
        /// Payload bytes of the current line; `last` on the chunk that completes it.
        case payload(UnsafeRawBufferPointer, last: Bool)
    }

    private enum Phase { case header, payload(remaining: Int), newline }
    private var phase = Phase.header
    private var headerBytes: [UInt8] = []
    private var fieldCount = 0
    private static let maxHeader = 48

    init() { headerBytes.reserveCapacity(Self.maxHeader) }

    /// True between lines: no partial frame is pending.
    var isBetweenLines: Bool {
        if case .header = phase { return headerBytes.isEmpty }
        return false
    }

    /// Consumes one chunk. Returns an excerpt when the bytes break the protocol; parsing stops
    /// there (the stream cannot be resynchronised).
    mutating func consume(_ chunk: UnsafeRawBufferPointer, _ handle: (Event) -> Void) -> String? {
        var index = 0
        while index < chunk.count {
            switch phase {
            case .payload(let remaining):
                let take = min(remaining, chunk.count - index)
                let piece = UnsafeRawBufferPointer(rebasing: chunk[index..<(index + take)])
                index += take
                phase = take == remaining ? .newline : .payload(remaining: remaining - take)
                handle(.payload(piece, last: take == remaining))
            case .newline:
                guard chunk[index] == UInt8(ascii: "\n") else {
                    return Self.excerpt(Array(chunk[index...].prefix(160)), "a payload is not followed by a newline")
                }
                index += 1
                phase = .header
            case .header:
                let byte = chunk[index]
                index += 1
                headerBytes.append(byte)
                if byte == UInt8(ascii: " ") {
                    fieldCount += 1
                    if fieldCount == 3 {
                        guard let header = parseHeader() else {
                            return Self.excerpt(headerBytes + chunk[index...].prefix(160), "not a protocol line")
                        }
                        headerBytes.removeAll(keepingCapacity: true)
                        fieldCount = 0
                        handle(.header(header))
                        if header.length == 0 {
                            phase = .newline
                            handle(.payload(UnsafeRawBufferPointer(start: nil, count: 0), last: true))
                        } else {
                            phase = .payload(remaining: header.length)
                        }
                    }
                } else if !Self.isHeaderByte(byte) || headerBytes.count > Self.maxHeader {
                    return Self.excerpt(headerBytes + chunk[index...].prefix(160), "not a protocol line")
                }
            }
        }
        return nil
    }

    private static func isHeaderByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "p")
            || byte == UInt8(ascii: "r") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "a")
    }

    /// Progress, result, error, and the acknowledgement that an aborted call's thread is gone.
    private static let kinds: Set<UInt8> = [UInt8(ascii: "p"), UInt8(ascii: "r"), UInt8(ascii: "e"), UInt8(ascii: "a")]

    private func parseHeader() -> Header? {
        let fields = headerBytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard fields.count == 4, fields[3].isEmpty, fields[1].count == 1,
              let id = Self.number(fields[0]), let length = Self.number(fields[2]), length <= UInt64(Int.max)
        else { return nil }
        let kind = fields[1].first!
        guard Self.kinds.contains(kind) else { return nil }
        return Header(wireID: id, kind: kind, length: Int(length))
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + UInt64(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func excerpt(_ bytes: [UInt8], _ reason: String) -> String {
        let valid = String(validating: bytes, as: UTF8.self) != nil
        let text = String(decoding: bytes, as: UTF8.self)
        let shown = text.count > 160 ? String(text.prefix(160)) + "…" : text
        let escaped = shown.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "\(reason)\(valid ? "" : " (invalid UTF-8)"): \"\(escaped)\""
    }
}
