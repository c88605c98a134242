/// Writes a call's output `{"out":[...],"value":...}` straight into a byte buffer, for a result
/// and out values that are all scalars (``FFIValueType/hasBoundedJSON``): the same bytes
/// `JSONValue.jsonBytes` writes for the output ``CallFrame/read(_:from:widenedReturn:)`` builds,
/// without building it.
struct ScalarOutputWriter: TextOutputStream {
    private let buffer: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    /// A writer into `buffer`, which holds ``DirectCallPlan/outputCapacity`` bytes.
    init(_ buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    /// The bytes written so far.
    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<count]) }

    /// The whole output: keys in sorted order, as `jsonBytes` writes them.
    mutating func writeOutput(_ plan: DirectCallPlan, result: FFIValueType, frame: UnsafeRawPointer) {
        append("{\"out\":[")
        var first = true
        for parameter in plan.parameters {
            guard case .out(let pointee) = parameter.type else { continue }
            if !first { append(",") }
            first = false
            write(pointee, from: frame + parameter.storageOffset, widenedReturn: false)
        }
        append("],\"value\":")
        write(result, from: frame, widenedReturn: true)
        append("}")
    }

    /// One scalar, as `CallFrame.read` reads it and `JSONValue` serializes it.
    private mutating func write(_ type: FFIValueType, from source: UnsafeRawPointer, widenedReturn: Bool) {
        func narrow<Value: FixedWidthInteger>(_: Value.Type) -> Int64 {
            Int64(widenedReturn ? Value(truncatingIfNeeded: source.load(as: UInt64.self)) : source.load(as: Value.self))
        }
        switch type {
        case .i8: integer(narrow(Int8.self))
        case .u8: integer(narrow(UInt8.self))
        case .i16: integer(narrow(Int16.self))
        case .u16: integer(narrow(UInt16.self))
        case .i32: integer(narrow(Int32.self))
        case .u32: integer(narrow(UInt32.self))
        case .bool: append(narrow(UInt8.self) != 0 ? "true" : "false")
        case .i64, .isize: integer(source.load(as: Int64.self))
        case .u64, .usize:
            let number = source.load(as: UInt64.self)
            if let exact = Int64(exactly: number) {
                integer(exact)
            } else {
                // Above Int64.max: a decimal string, so the value stays exact.
                append("\"")
                unsigned(number)
                append("\"")
            }
        case .f32: double(Double(source.load(as: Float.self)))
        case .f64: double(source.load(as: Double.self))
        case .pointer:
            let address = source.load(as: UInt.self)
            if address == 0 { append("null") } else { integer(Int64(bitPattern: UInt64(address))) }
        case .void, .buffer, .cstring, .structure, .out:
            append("null")  // void; the others never reach a bounded output
        }
    }

    private mutating func integer(_ number: Int64) {
        if number < 0 { append("-") }
        unsigned(number.magnitude)
    }

    private mutating func unsigned(_ number: UInt64) {
        var digits = 1
        var rest = number
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        var remaining = number
        for position in stride(from: count + digits - 1, through: count, by: -1) {
            buffer[position] = UInt8(truncatingIfNeeded: remaining % 10) + UInt8(ascii: "0")
            remaining /= 10
        }
        count += digits
    }

    /// As `JSONValue` writes a double: `null` when not finite, an integral value below 1e15 as
    /// an integer, else Swift's shortest round-trip text.
    private mutating func double(_ number: Double) {
        guard number.isFinite else { return append("null") }
        if number.rounded() == number, abs(number) < 1e15 { return integer(Int64(number)) }
        // `Double.write(to:)` formats into a stack buffer and hands it to `_writeASCII`, which
        // this writer implements: the text of `"\(number)"` without building a String.
        number.write(to: &self)
    }

    private mutating func append(_ text: StaticString) {
        _writeASCII(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `TextOutputStream`: the ASCII bytes `Double.write(to:)` formatted.
    mutating func _writeASCII(_ text: UnsafeBufferPointer<UInt8>) {
        precondition(count + text.count <= buffer.count, "ffi output buffer too small")
        UnsafeMutableRawBufferPointer(rebasing: buffer[count...]).copyMemory(from: UnsafeRawBufferPointer(text))
        count += text.count
    }

    /// `TextOutputStream`: any other text (never expected from a number's formatting).
    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { _writeASCII($0) }
    }
}
