/// A C type as libffi sees it: the machine-level shape of an argument or a return value.
///
/// Signature-level types (`cstring`, `buffer`, `bool`, `{out: ...}`) map onto these; see
/// ``FFIValueType``.
public indirect enum FFIType: Sendable, Hashable {
    /// No value (return type only).
    case void
    /// `int8_t`.
    case int8
    /// `uint8_t`.
    case uint8
    /// `int16_t`.
    case int16
    /// `uint16_t`.
    case uint16
    /// `int32_t`.
    case int32
    /// `uint32_t`.
    case uint32
    /// `int64_t`.
    case int64
    /// `uint64_t`.
    case uint64
    /// `float`.
    case float
    /// `double`.
    case double
    /// Any data pointer.
    case pointer
    /// A struct passed or returned by value, with these fields in order (C layout rules).
    case structure([FFIType])

    /// The C `sizeof` of the type on this platform (0 for `void`).
    public var size: Int {
        switch self {
        case .void: return 0
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float: return 4
        case .int64, .uint64, .double: return 8
        case .pointer: return MemoryLayout<UnsafeRawPointer>.size
        case .structure(let fields):
            let (end, alignment) = Self.layout(fields).reduce(into: (0, 1)) { state, field in
                state.0 = field.offset + field.type.size
                state.1 = max(state.1, field.type.alignment)
            }
            return Self.align(end, to: alignment)
        }
    }

    /// The C `_Alignof` of the type on this platform (1 for `void`).
    public var alignment: Int {
        switch self {
        case .void: return 1
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float: return 4
        case .int64: return MemoryLayout<Int64>.alignment
        case .uint64: return MemoryLayout<UInt64>.alignment
        case .double: return MemoryLayout<Double>.alignment
        case .pointer: return MemoryLayout<UnsafeRawPointer>.alignment
        case .structure(let fields): return fields.map(\.alignment).max() ?? 1
        }
    }

    /// The byte offset of each field of a struct, by the C rule: each field at the next multiple
    /// of its own alignment.
    public static func layout(_ fields: [FFIType]) -> [(offset: Int, type: FFIType)] {
        var offset = 0
        return fields.map { field in
            let fieldOffset = align(offset, to: field.alignment)
            offset = fieldOffset + field.size
            return (fieldOffset, field)
        }
    }

    /// `value` rounded up to a multiple of `alignment`.
    public static func align(_ value: Int, to alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }
}
