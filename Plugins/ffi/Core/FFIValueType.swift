import SwitchyardFFI
/// A parameter or result type of an `ffi` signature, as a project file writes it.
///
/// The names are Deno.dlopen's (`i8 u8 i16 u16 i32 u32 i64 u64 isize usize f32 f64 bool void
/// pointer buffer`) plus `cstring`, `{struct: [types]}` and `{out: type}`. Each maps to the C
/// type libffi passes (``ffiType``) and to a JSON shape for arguments and results.
public indirect enum FFIValueType: Sendable, Hashable {
    /// `int8_t`; JSON integer.
    case i8
    /// `uint8_t`; JSON integer.
    case u8
    /// `int16_t`; JSON integer.
    case i16
    /// `uint16_t`; JSON integer.
    case u16
    /// `int32_t`; JSON integer.
    case i32
    /// `uint32_t`; JSON integer.
    case u32
    /// `int64_t`; JSON integer (or a decimal string).
    case i64
    /// `uint64_t`; JSON integer, or a decimal string for values above `Int64.max`.
    case u64
    /// `ssize_t` / `intptr_t`; as `i64`.
    case isize
    /// `size_t` / `uintptr_t`; as `u64`.
    case usize
    /// `float`; JSON number.
    case f32
    /// `double`; JSON number.
    case f64
    /// C `bool` (one byte); JSON boolean.
    case bool
    /// No value: results only; JSON `null`.
    case void
    /// An opaque address: JSON integer, or `null` for NULL.
    case pointer
    /// A pointer to a copy of bytes: argument is a JSON string (its UTF-8) or an array of byte
    /// values (or `null`). Parameters only.
    case buffer
    /// `const char *`, NUL-terminated UTF-8: JSON string or `null`.
    case cstring
    /// A struct by value: a JSON array of its fields in order. Fields are numbers, `bool`,
    /// `pointer`, `cstring` or nested structs.
    case structure([FFIValueType])
    /// A pointer to storage of the wrapped type that the callee writes. Parameters only; takes no
    /// JSON argument; its value after the call is reported in the output's `out` array.
    case out(FFIValueType)

    /// The scalar type names, in the order error messages list them.
    public static let scalarNames = [
        "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "isize", "usize", "f32", "f64",
        "bool", "void", "pointer", "buffer", "cstring",
    ]

    /// The type for a scalar name (`"u32"`), or `nil` for an unknown one.
    public init?(name: String) {
        switch name {
        case "i8": self = .i8
        case "u8": self = .u8
        case "i16": self = .i16
        case "u16": self = .u16
        case "i32": self = .i32
        case "u32": self = .u32
        case "i64": self = .i64
        case "u64": self = .u64
        case "isize": self = .isize
        case "usize": self = .usize
        case "f32": self = .f32
        case "f64": self = .f64
        case "bool": self = .bool
        case "void": self = .void
        case "pointer": self = .pointer
        case "buffer": self = .buffer
        case "cstring": self = .cstring
        default: return nil
        }
    }

    /// The type as a project file writes it, e.g. `u32`, `{struct: [i32, i32]}`, `{out: f64}`.
    public var name: String {
        switch self {
        case .i8: "i8"
        case .u8: "u8"
        case .i16: "i16"
        case .u16: "u16"
        case .i32: "i32"
        case .u32: "u32"
        case .i64: "i64"
        case .u64: "u64"
        case .isize: "isize"
        case .usize: "usize"
        case .f32: "f32"
        case .f64: "f64"
        case .bool: "bool"
        case .void: "void"
        case .pointer: "pointer"
        case .buffer: "buffer"
        case .cstring: "cstring"
        case .structure(let fields): "{struct: [\(fields.map(\.name).joined(separator: ", "))]}"
        case .out(let pointee): "{out: \(pointee.name)}"
        }
    }

    /// The C type libffi passes for this type.
    public var ffiType: FFIType {
        switch self {
        case .i8: .int8
        case .u8, .bool: .uint8
        case .i16: .int16
        case .u16: .uint16
        case .i32: .int32
        case .u32: .uint32
        case .i64, .isize: .int64
        case .u64, .usize: .uint64
        case .f32: .float
        case .f64: .double
        case .void: .void
        case .pointer, .buffer, .cstring, .out: .pointer
        case .structure(let fields): .structure(fields.map(\.ffiType))
        }
    }
}
