import SwitchyardFFI
import SwitchyardJSON

extension CallFrame {
    /// Writes JSON `value` as a C value of `type` at `destination`.
    /// - Parameter path: the argument's place for messages, e.g. `args[1]` or `args[0][2]`.
    mutating func write(
        _ value: JSONValue, as type: FFIValueType, to destination: UnsafeMutableRawPointer, at path: String
    ) throws(FFIError) {
        switch type {
        case .i8: destination.storeBytes(of: try Self.integer(value, Int8.self, type, path), as: Int8.self)
        case .u8: destination.storeBytes(of: try Self.integer(value, UInt8.self, type, path), as: UInt8.self)
        case .i16: destination.storeBytes(of: try Self.integer(value, Int16.self, type, path), as: Int16.self)
        case .u16: destination.storeBytes(of: try Self.integer(value, UInt16.self, type, path), as: UInt16.self)
        case .i32: destination.storeBytes(of: try Self.integer(value, Int32.self, type, path), as: Int32.self)
        case .u32: destination.storeBytes(of: try Self.integer(value, UInt32.self, type, path), as: UInt32.self)
        case .i64, .isize:
            destination.storeBytes(of: try Self.integer(value, Int64.self, type, path), as: Int64.self)
        case .u64, .usize:
            destination.storeBytes(of: try Self.integer(value, UInt64.self, type, path), as: UInt64.self)
        case .f32:
            guard let number = value.doubleValue else { throw Self.mismatch(value, type, "a number", path) }
            destination.storeBytes(of: Float(number), as: Float.self)
        case .f64:
            guard let number = value.doubleValue else { throw Self.mismatch(value, type, "a number", path) }
            destination.storeBytes(of: number, as: Double.self)
        case .bool:
            guard let flag = value.boolValue else { throw Self.mismatch(value, type, "true or false", path) }
            destination.storeBytes(of: flag ? 1 : 0, as: UInt8.self)
        case .pointer:
            let address: UInt64 = value.isNull ? 0 : try Self.integer(value, UInt64.self, type, path)
            destination.storeBytes(of: UInt(address), as: UInt.self)
        case .buffer:
            destination.storeBytes(of: try copyBuffer(value, path), as: UnsafeMutableRawPointer?.self)
        case .cstring:
            destination.storeBytes(of: try copyCString(value, path), as: UnsafeMutableRawPointer?.self)
        case .structure(let fields):
            guard let elements = value.arrayValue, elements.count == fields.count else {
                throw Self.mismatch(value, type, "an array of \(fields.count) fields", path)
            }
            let offsets = FFIType.layout(fields.map(\.ffiType))
            for (index, field) in fields.enumerated() {
                try write(elements[index], as: field, to: destination + offsets[index].offset, at: "\(path)[\(index)]")
            }
        case .void, .out:
            // Rejected by the signature parser; out parameters take no argument.
            throw FFIError(.badArgument, "\(path): \(type.name) takes no argument")
        }
    }

    /// A JSON string's UTF-8 or an array of byte values, copied with a trailing NUL byte so that
    /// a callee reading text past the given length still stops.
    private mutating func copyBuffer(_ value: JSONValue, _ path: String) throws(FFIError) -> UnsafeMutableRawPointer? {
        switch value {
        case .null: return nil
        case .string(let text):
            let bytes = Array(text.utf8)
            let memory = allocate(byteCount: bytes.count + 1, alignment: 16)
            memory.copyMemory(from: bytes, byteCount: bytes.count)
            return memory
        case .array(let elements):
            let memory = allocate(byteCount: elements.count + 1, alignment: 16)
            for (index, element) in elements.enumerated() {
                guard let byte = element.intValue, let exact = UInt8(exactly: byte) else {
                    throw FFIError(
                        .badArgument, "\(path)[\(index)]: expected a byte value 0...255, got \(element.jsonString)")
                }
                memory.storeBytes(of: exact, toByteOffset: index, as: UInt8.self)
            }
            return memory
        default:
            throw Self.mismatch(value, .buffer, "a string or an array of byte values", path)
        }
    }

    private mutating func copyCString(_ value: JSONValue, _ path: String) throws(FFIError) -> UnsafeMutableRawPointer? {
        switch value {
        case .null: return nil
        case .string(let text):
            let bytes = Array(text.utf8)
            guard !bytes.contains(0) else {
                throw FFIError(.badArgument, "\(path): a cstring cannot contain a NUL character")
            }
            let memory = allocate(byteCount: bytes.count + 1, alignment: 16)
            memory.copyMemory(from: bytes, byteCount: bytes.count)
            return memory
        default:
            throw Self.mismatch(value, .cstring, "a string or null", path)
        }
    }

    /// An integer argument in range for `Target`. 64-bit types also take decimal strings, the form
    /// results use for `u64` values above `Int64.max`.
    private static func integer<Target: FixedWidthInteger>(
        _ value: JSONValue, _: Target.Type, _ type: FFIValueType, _ path: String
    ) throws(FFIError) -> Target {
        let expected = "an integer \(Target.min)...\(Target.max)"
        switch value {
        case .int(let number):
            if let exact = Target(exactly: number) { return exact }
        case .double(let number):
            if let exact = Target(exactly: number) { return exact }
        case .string(let text) where Target.bitWidth == 64:
            if let exact = Target(text) { return exact }
        default: break
        }
        throw mismatch(value, type, expected, path)
    }

    private static func mismatch(_ value: JSONValue, _ type: FFIValueType, _ expected: String, _ path: String) -> FFIError {
        let got = value.jsonString
        let shown = got.count > 40 ? value.typeName : got
        return FFIError(.badArgument, "\(path): expected \(type.name) (\(expected)), got \(shown)")
    }

    /// Reads a C value of `type` at `source` as JSON.
    /// - Parameter widenedReturn: `source` is a return value slot, where libffi widens integers
    ///   narrower than a register to a full `ffi_arg`.
    static func read(_ type: FFIValueType, from source: UnsafeRawPointer, widenedReturn: Bool) -> JSONValue {
        func narrow<Value: FixedWidthInteger>(_: Value.Type) -> Value {
            widenedReturn
                ? Value(truncatingIfNeeded: source.load(as: UInt64.self))
                : source.load(as: Value.self)
        }
        switch type {
        case .void: return .null
        case .i8: return .int(Int64(narrow(Int8.self)))
        case .u8: return .int(Int64(narrow(UInt8.self)))
        case .i16: return .int(Int64(narrow(Int16.self)))
        case .u16: return .int(Int64(narrow(UInt16.self)))
        case .i32: return .int(Int64(narrow(Int32.self)))
        case .u32: return .int(Int64(narrow(UInt32.self)))
        case .bool: return .bool(narrow(UInt8.self) != 0)
        case .i64, .isize: return .int(source.load(as: Int64.self))
        case .u64, .usize:
            let number = source.load(as: UInt64.self)
            return Int64(exactly: number).map(JSONValue.int) ?? .string(String(number))
        case .f32: return .double(Double(source.load(as: Float.self)))
        case .f64: return .double(source.load(as: Double.self))
        case .pointer, .buffer, .out:
            let address = source.load(as: UInt.self)
            return address == 0 ? .null : .int(Int64(bitPattern: UInt64(address)))
        case .cstring:
            guard let text = source.load(as: UnsafePointer<CChar>?.self) else { return .null }
            return .string(String(cString: text))
        case .structure(let fields):
            let offsets = FFIType.layout(fields.map(\.ffiType))
            return .array(fields.indices.map { index in
                read(fields[index], from: source + offsets[index].offset, widenedReturn: false)
            })
        }
    }
}
