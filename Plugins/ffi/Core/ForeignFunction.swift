import SwitchyardFFI
import SwitchyardJSON

/// A C function ready to be called with JSON: its library loaded, its symbol resolved and its
/// call interface prepared (shared process-wide with every function of the same signature).
public final class ForeignFunction: @unchecked Sendable {
    /// The signature the function was created from.
    public let signature: FFISignature
    /// The library holding the function.
    public let library: DynamicLibrary
    /// The prepared call interface.
    public let interface: CallInterface
    // Immutable after init; the code it points to stays loaded (libraries are never closed).
    let address: UnsafeMutableRawPointer
    /// The frame layout of ``callDirect(inputJSON:_:)``; `nil` for a signature it does not take.
    let directPlan: DirectCallPlan?

    /// Loads the library, resolves the symbol and prepares the call interface.
    /// - Parameters:
    ///   - signature: the function to call.
    ///   - policy: the load policy for the library; `nil` checks nothing.
    /// - Throws: `FFIError` from ``DynamicLibrary/open(_:policy:)``,
    ///   ``DynamicLibrary/symbol(_:)`` or ``CallInterface/cached(returning:arguments:fixedArgumentCount:)``.
    public convenience init(_ signature: FFISignature, policy: LibraryLoadPolicy? = nil) throws(FFIError) {
        try self.init(signature, libraryPath: signature.library, policy: policy)
    }

    /// Loads the library from `libraryPath` (where ``FFILibraryLocations/path(of:)`` found the
    /// signature's library), resolves the symbol and prepares the call interface.
    /// - Parameters:
    ///   - signature: the function to call.
    ///   - libraryPath: the library file to load.
    ///   - policy: the load policy for the library; `nil` checks nothing.
    /// - Throws: as ``init(_:policy:)``.
    public init(_ signature: FFISignature, libraryPath: String, policy: LibraryLoadPolicy?) throws(FFIError) {
        self.signature = signature
        self.library = try DynamicLibrary.open(libraryPath, policy: policy)
        self.address = try library.symbol(signature.symbol)
        self.interface = try CallInterface.cached(
            returning: signature.result.ffiType, arguments: signature.parameters.map(\.ffiType),
            fixedArgumentCount: signature.variadicFrom)
        self.directPlan = DirectCallPlan(signature)
    }

    /// Calls the function with a tool input `{"args": [...]}`.
    ///
    /// `args` may be omitted when the function takes no arguments.
    /// - Returns: `{"value": result, "out": [each out parameter's value, in order]}`; see
    ///   ``call(arguments:)``.
    /// - Throws: `FFIError.Code.badArgument` for a malformed input.
    public func call(input: JSONValue) throws(FFIError) -> JSONValue {
        guard let members = input.objectValue else {
            throw FFIError(.badArgument, "input: expected an object {\"args\": [...]}, got \(input.typeName)")
        }
        switch members["args"] {
        case .array(let arguments)?: return try call(arguments: arguments)
        case nil, .null?: return try call(arguments: [])
        case let other?:
            throw FFIError(.badArgument, "input.args: expected an array of arguments, got \(other.typeName)")
        }
    }

    /// Calls the function with positional JSON arguments (none for `out` parameters).
    ///
    /// Results: integers as JSON integers, except a `u64`/`usize` above `Int64.max`, which is a
    /// decimal string so it stays exact; `f32`/`f64` as numbers; `bool` as a boolean; `pointer`
    /// as an integer address or `null`; `cstring` as a string (invalid UTF-8 repaired) or `null`;
    /// a struct as an array of its fields; `void` as `null`.
    /// - Returns: `{"value": result, "out": [each out parameter's value, in order]}`.
    /// - Throws: `FFIError.Code.badArgument` naming the argument (`args[1]`) and the expected type.
    public func call(arguments: [JSONValue]) throws(FFIError) -> JSONValue {
        let expected = signature.argumentCount
        guard arguments.count == expected else {
            let types = signature.parameters.compactMap { type -> String? in
                if case .out = type { nil } else { type.name }
            }
            throw FFIError(
                .badArgument,
                "args: \(signature.symbol) takes \(expected) argument\(expected == 1 ? "" : "s") "
                    + "[\(types.joined(separator: ", "))], got \(arguments.count)")
        }
        var frame = CallFrame(parameters: signature.parameters, result: signature.result.ffiType)
        defer { frame.release() }
        var argumentIndex = 0
        for (index, parameter) in signature.parameters.enumerated() {
            let slot = frame.slot(index)
            if case .out(let pointee) = parameter {
                let storage = frame.allocate(byteCount: max(pointee.ffiType.size, 8), alignment: 16)
                slot.storeBytes(of: storage, as: UnsafeMutableRawPointer.self)
                frame.outStorage.append(storage)
            } else {
                try frame.write(arguments[argumentIndex], as: parameter, to: slot, at: "args[\(argumentIndex)]")
                argumentIndex += 1
            }
        }
        interface.call(address, result: frame.result, arguments: frame.argumentPointers)

        let value = CallFrame.read(signature.result, from: frame.result, widenedReturn: true)
        var outs: [JSONValue] = []
        for (storage, parameter) in zip(frame.outStorage, signature.parameters.filter(\.isOut)) {
            guard case .out(let pointee) = parameter else { continue }
            outs.append(CallFrame.read(pointee, from: storage, widenedReturn: false))
        }
        return .object(["value": value, "out": .array(outs)])
    }
}

extension FFIValueType {
    var isOut: Bool {
        if case .out = self { true } else { false }
    }
}
