import SwitchyardFFI
import SwitchyardJSON

/// The `ffi` field of a tool: which C function to call and its signature.
///
/// ```yaml
/// ffi: {library: libz.so.1, symbol: crc32, parameters: [u64, buffer, u32], result: u64}
/// ffi: {library: libc.so.6, symbol: snprintf, parameters: [buffer, usize, cstring, i32], result: i32, variadic_from: 3}
/// ```
/// - `library`: a file path, or a name the dynamic loader finds (`libz.so.1`).
/// - `symbol`: the C function's name.
/// - `parameters`: the parameter types in order (default `[]`); see ``FFIValueType``.
/// - `result`: the return type (default `void`).
/// - `variadic_from`: for a variadic function, the index of the first variadic parameter
///   (= the number of fixed parameters, `printf`'s is 1). Variadic parameters are listed with
///   their promoted C types, so `f32`, `bool` and 8/16-bit integers are refused there.
public struct FFISignature: Sendable, Hashable {
    /// The library to load.
    public var library: String
    /// The function's symbol name.
    public var symbol: String
    /// The parameter types, in order.
    public var parameters: [FFIValueType]
    /// The return type.
    public var result: FFIValueType
    /// Index of the first variadic parameter; `nil` for a non-variadic function.
    public var variadicFrom: Int?

    /// Creates a signature; ``init(parsing:at:)`` checks the same rules for project files.
    public init(
        library: String, symbol: String, parameters: [FFIValueType], result: FFIValueType,
        variadicFrom: Int? = nil
    ) {
        self.library = library
        self.symbol = symbol
        self.parameters = parameters
        self.result = result
        self.variadicFrom = variadicFrom
    }

    /// The number of JSON arguments a call takes: one per parameter except `out` ones.
    public var argumentCount: Int {
        parameters.count { if case .out = $0 { false } else { true } }
    }
}
