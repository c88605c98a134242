import SwitchyardFFI

/// Where each part of a directly decoded call lives in one frame block, worked out once per
/// function so a call only fills the block in.
///
/// The block: `[result][slot 0][slot 1]...[argument pointers][out storage...]`, each part
/// 16-aligned, then room for the copies of string and buffer arguments. It is stack memory for
/// the length of one call (`withUnsafeTemporaryAllocation`): a call allocates nothing on the heap
/// unless its copies are too large for the stack.
///
/// A signature with a struct parameter has no plan: such calls take the `JSONValue` path.
struct DirectCallPlan: Sendable {
    /// One parameter: its type, its slot, and for an `out` parameter the storage its slot points at.
    struct Parameter: Sendable {
        var type: FFIValueType
        var slotOffset: Int
        var storageOffset: Int
    }

    let parameters: [Parameter]
    let argumentCount: Int
    /// Where the argument pointer array starts.
    let pointersOffset: Int
    /// Bytes from the block's start to the copies area; zeroed per call.
    let fixedSize: Int
    /// String and buffer parameters, each of which may need its own 16-aligned copy.
    let copiedParameterCount: Int
    /// The result and every `out` value are scalars, so the output fits ``outputCapacity`` bytes.
    let outputIsBounded: Bool
    /// Room for `{"out":[...],"value":...}` when ``outputIsBounded``.
    let outputCapacity: Int

    init?(_ signature: FFISignature) {
        var offset = Self.aligned(signature.result.ffiType.size)
        var parameters: [Parameter] = []
        for type in signature.parameters {
            if case .structure = type { return nil }
            parameters.append(Parameter(type: type, slotOffset: offset, storageOffset: 0))
            offset += Self.aligned(type.ffiType.size)
        }
        pointersOffset = offset
        offset += FFIType.align(max(parameters.count, 1) * MemoryLayout<UnsafeRawPointer>.size, to: 16)
        var outCount = 0
        var outsAreScalars = true
        for index in parameters.indices {
            guard case .out(let pointee) = parameters[index].type else { continue }
            parameters[index].storageOffset = offset
            offset += Self.aligned(pointee.ffiType.size)
            outCount += 1
            outsAreScalars = outsAreScalars && pointee.hasBoundedJSON
        }
        self.parameters = parameters
        argumentCount = signature.argumentCount
        fixedSize = offset
        copiedParameterCount = parameters.count { $0.type == .buffer || $0.type == .cstring }
        outputIsBounded = outsAreScalars && signature.result.hasBoundedJSON
        outputCapacity = 32 + Self.scalarJSONCapacity * (1 + outCount)
    }

    /// The block size a call with `inputLength` request bytes needs: every copied argument is at
    /// most that many bytes, plus its NUL and its alignment.
    func blockSize(inputLength: Int) -> Int {
        fixedSize + inputLength + copiedParameterCount * 32
    }

    /// Enough for any scalar's JSON: `-2.2250738585072014e-308` is 24 bytes, a quoted u64 22.
    static let scalarJSONCapacity = 32

    private static func aligned(_ size: Int) -> Int { FFIType.align(max(size, 8), to: 16) }
}

extension FFIValueType {
    /// A result or out value whose JSON is a number, boolean or `null` (at most
    /// ``DirectCallPlan/scalarJSONCapacity`` bytes), not a string or an array.
    var hasBoundedJSON: Bool {
        switch self {
        case .cstring, .structure, .buffer, .out: false
        default: true
        }
    }
}
