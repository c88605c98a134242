import FuzzSupport
import SwitchyardJSON

// The streaming JSON decoder, against itself. Oracles:
// 1. one chunk (the whole-value fast path where it applies), one byte at a time, and chunks of
//    varying size all accept the same inputs and build the same value;
// 2. what was accepted serializes to JSON that parses back and serializes to the same bytes.
//
// An input that starts with byte 1 (never JSON) stands for a long string: `"`, then
// 64 KiB - 128 + (second byte) plain letters, then the rest of the input. libFuzzer's inputs stay
// small, yet reach the decoder's 64 KiB string segments with whatever escapes and UTF-8 the
// fuzzer puts across the boundary.

/// Streams `bytes` in chunks of `sizes`, cycling.
func decode(_ bytes: UnsafeRawBufferPointer, chunkSizes sizes: [Int]) -> JSONValue? {
    var decoder = StreamingJSONDecoder()
    var offset = 0
    var turn = 0
    do {
        while offset < bytes.count {
            let end = min(bytes.count, offset + sizes[turn % sizes.count])
            try decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            offset = end
            turn += 1
        }
        return try decoder.finish()
    } catch {
        return nil
    }
}

func describe(_ value: JSONValue?) -> String { value.map { String($0.jsonString.prefix(200)) } ?? "an error" }

/// The JSON text an input stands for: itself, or the long string described above.
func longString(from bytes: UnsafeRawBufferPointer) -> [UInt8]? {
    guard bytes.count >= 2, bytes[0] == 1 else { return nil }
    let run = 64 * 1024 - 128 + Int(bytes[1])
    return [UInt8(ascii: "\"")] + [UInt8](repeating: UInt8(ascii: "a"), count: run) + bytes.dropFirst(2)
}

func check(_ bytes: UnsafeRawBufferPointer) {
    let whole = try? JSONValue(parsing: bytes)
    let byteByByte = decode(bytes, chunkSizes: [1])
    let varying = decode(bytes, chunkSizes: [3, 1, 7, 2, 16, 5])
    precondition(whole == byteByByte, "one chunk gave \(describe(whole)), byte by byte \(describe(byteByByte))")
    precondition(whole == varying, "one chunk gave \(describe(whole)), varying chunks \(describe(varying))")
    guard let whole else { return }
    let serialized = whole.jsonBytes
    guard let reparsed = try? JSONValue(parsing: serialized) else {
        preconditionFailure("the serialization does not parse: \(String(decoding: serialized.prefix(200), as: UTF8.self))")
    }
    precondition(reparsed.jsonBytes == serialized, "serialize(parse(serialize(x))) differs from serialize(x)")
}

FuzzDriver.run { bytes in
    if let text = longString(from: bytes) {
        text.withUnsafeBytes(check)
    } else {
        check(bytes)
    }
}
