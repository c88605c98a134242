import CFFI
import Synchronization

/// A prepared libffi call interface (`ffi_cif`) for one C signature.
///
/// Prepare once, call many times: ``call(_:result:arguments:)`` allocates nothing and may be
/// called from many threads at once (libffi only reads a prepared CIF).
public final class CallInterface: @unchecked Sendable {
    /// The C return type.
    public let returnType: FFIType
    /// The C argument types, fixed ones first.
    public let argumentTypes: [FFIType]
    /// For a variadic function, how many of ``argumentTypes`` are fixed; `nil` if not variadic.
    public let fixedArgumentCount: Int?

    // Immutable after init; libffi reads but never writes a prepared CIF during ffi_call.
    private let cif: UnsafeMutablePointer<ffi_cif>
    private let types: FFITypeTable

    /// Prepares a call interface.
    /// - Parameters:
    ///   - returning: the C return type.
    ///   - arguments: the C argument types, in order.
    ///   - fixedArgumentCount: `nil` for a normal function; for a variadic one (`printf`), how many
    ///     leading arguments are fixed (prepared with `ffi_prep_cif_var`). Variadic arguments must
    ///     already be promoted: `double`, not `float`; 32 bits or wider, not `int8`/`int16`.
    /// - Throws: `FFIError` `.badSignature` (a `void` argument, an empty struct, a bad fixed
    ///   count) or `.prepareFailed` when libffi refuses.
    public init(returning: FFIType, arguments: [FFIType], fixedArgumentCount: Int? = nil)
        throws(FFIError)
    {
        try Self.validate(returning: returning, arguments: arguments, fixedArgumentCount: fixedArgumentCount)
        // Prepared into locals first so a failure frees them here, before `self` exists.
        let types = FFITypeTable()
        let cif = UnsafeMutablePointer<ffi_cif>.allocate(capacity: 1)
        let resultDescriptor = types.descriptor(for: returning)
        let argumentDescriptors = types.descriptors(for: arguments)
        let status: ffi_status
        if let fixedArgumentCount {
            status = sy_ffi_prep_cif_var(
                cif, UInt32(fixedArgumentCount), UInt32(arguments.count), resultDescriptor,
                argumentDescriptors)
        } else {
            status = sy_ffi_prep_cif(cif, UInt32(arguments.count), resultDescriptor, argumentDescriptors)
        }
        guard status == FFI_OK else {
            cif.deallocate()
            throw FFIError(
                .prepareFailed,
                "libffi could not prepare \(Self.describe(returning, arguments, fixedArgumentCount)) "
                    + "(ffi_status \(status.rawValue))")
        }
        self.returnType = returning
        self.argumentTypes = arguments
        self.fixedArgumentCount = fixedArgumentCount
        self.types = types
        self.cif = cif
    }

    deinit {
        cif.deallocate()
    }

    /// Calls `function` through the prepared interface.
    ///
    /// - Parameters:
    ///   - function: the C function's address (from ``DynamicLibrary/symbol(_:)``).
    ///   - result: storage for the return value of at least `max(returnType.size, 8)` bytes,
    ///     aligned for the type (libffi widens integer returns smaller than a register to a full
    ///     `ffi_arg`); `nil` for `void` or to discard a scalar result.
    ///   - arguments: one pointer per argument, each pointing at that argument's value; `nil`
    ///     when there are no arguments.
    /// - Important: no checking happens here; the pointers must match the prepared signature.
    public func call(
        _ function: UnsafeRawPointer, result: UnsafeMutableRawPointer?,
        arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) {
        ffi_call(cif, unsafeBitCast(function, to: (@convention(c) () -> Void).self), result, arguments)
    }

    /// The bytes ``call(_:result:arguments:)`` needs at `result`.
    public var resultStorageSize: Int { max(returnType.size, 8) }

    private static func validate(returning: FFIType, arguments: [FFIType], fixedArgumentCount: Int?)
        throws(FFIError)
    {
        let signature = describe(returning, arguments, fixedArgumentCount)
        if let fixedArgumentCount, !(0...arguments.count).contains(fixedArgumentCount) {
            throw FFIError(
                .badSignature,
                "\(signature): fixed argument count \(fixedArgumentCount) is outside 0...\(arguments.count)")
        }
        guard arguments.count <= Int(UInt16.max) else {
            throw FFIError(.badSignature, "\(signature): too many arguments (\(arguments.count))")
        }
        for (index, argument) in arguments.enumerated() where argument == .void {
            throw FFIError(.badSignature, "\(signature): argument \(index) is void")
        }
        for type in [returning] + arguments { try validateStructures(type, signature) }
    }

    private static func validateStructures(_ type: FFIType, _ signature: String) throws(FFIError) {
        guard case .structure(let fields) = type else { return }
        guard !fields.isEmpty else { throw FFIError(.badSignature, "\(signature): a struct has no fields") }
        for field in fields {
            if field == .void { throw FFIError(.badSignature, "\(signature): a struct field is void") }
            try validateStructures(field, signature)
        }
    }

    static func describe(_ returning: FFIType, _ arguments: [FFIType], _ fixedArgumentCount: Int?)
        -> String
    {
        var names = arguments.map { "\($0)" }
        if let fixedArgumentCount, fixedArgumentCount <= names.count {
            names.insert("...", at: fixedArgumentCount)
        }
        return "\(returning) (\(names.joined(separator: ", ")))"
    }
}

extension CallInterface {
    private struct Signature: Hashable {
        var returnType: FFIType
        var argumentTypes: [FFIType]
        var fixedArgumentCount: Int?
    }

    // Entries are never removed: interfaces are few (one per distinct signature) and callers may
    // hold the pointers libffi keeps inside them.
    private static let cache = Mutex<[Signature: CallInterface]>([:])

    /// The process-wide interface for a signature, prepared on first use; the same signature
    /// always returns the same object.
    /// - Parameters:
    ///   - returning: the C return type.
    ///   - arguments: the C argument types, in order.
    ///   - fixedArgumentCount: as in ``init(returning:arguments:fixedArgumentCount:)``.
    /// - Throws: as ``init(returning:arguments:fixedArgumentCount:)``.
    public static func cached(
        returning: FFIType, arguments: [FFIType], fixedArgumentCount: Int? = nil
    ) throws(FFIError) -> CallInterface {
        let key = Signature(returnType: returning, argumentTypes: arguments, fixedArgumentCount: fixedArgumentCount)
        if let existing = cache.withLock({ $0[key] }) { return existing }
        // Prepared outside the lock; a racing thread's interface is dropped in favour of the first.
        let prepared = try CallInterface(
            returning: returning, arguments: arguments, fixedArgumentCount: fixedArgumentCount)
        return cache.withLock { interfaces in
            if let winner = interfaces[key] { return winner }
            interfaces[key] = prepared
            return prepared
        }
    }
}
