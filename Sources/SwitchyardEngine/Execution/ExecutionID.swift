/// Random version-4 UUID text for execution ids.
///
/// Made from `SystemRandomNumberGenerator` (the getrandom syscall) because Foundation's `UUID()`
/// on Linux opens /dev/urandom each time — one open/read/close per task in a 1,000-item
/// collection showed up in the engine bench.
enum ExecutionID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next() as UInt64
        var low = generator.next() as UInt64
        high = (high & ~0xF000) | 0x4000                         // version 4
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48)            // RFC 4122 variant
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for (index, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if index == 8 || index == 12 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(digits[Int((high >> UInt64(shift)) & 0xF)])
        }
        for (index, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if index == 0 || index == 4 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(digits[Int((low >> UInt64(shift)) & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
