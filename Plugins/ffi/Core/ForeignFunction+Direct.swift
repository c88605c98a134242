import SwitchyardFFI
import SwitchyardJSON

extension ForeignFunction {
    /// Calls the function with a tool input given as JSON bytes, decoding the arguments straight
    /// into a stack frame and writing the output straight to bytes; `answer` gets the output
    /// `{"out":[...],"value":...}` (the bytes ``call(input:)``'s result serializes to), valid
    /// only while it runs.
    ///
    /// Returns `nil`, having called nothing, when the input is not in the plain shape this path
    /// reads (see `RequestArgumentReader`), is not JSON, or does not fit the signature: the
    /// caller then parses it and uses ``call(input:)``, which names what is wrong.
    /// - Returns: what `answer` returned, or `nil` when the call was not made.
    public func callDirect<Answer>(inputJSON: UnsafeRawBufferPointer,
                                   _ answer: (UnsafeRawBufferPointer) -> Answer) -> Answer? {
        guard let plan = directPlan, inputJSON.baseAddress != nil else { return nil }
        return withUnsafeTemporaryAllocation(byteCount: plan.blockSize(inputLength: inputJSON.count),
                                             alignment: 16) { block -> Answer? in
            let frame = block.baseAddress!
            frame.initializeMemory(as: UInt8.self, repeating: 0, count: plan.fixedSize)
            let pointers = (frame + plan.pointersOffset).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
            for (index, parameter) in plan.parameters.enumerated() {
                pointers[index] = frame + parameter.slotOffset
            }
            var reader = RequestArgumentReader(
                inputJSON, copiesInto: UnsafeMutableRawBufferPointer(rebasing: block[plan.fixedSize...]))
            guard reader.decode(plan, into: frame) else { return nil }
            interface.call(address, result: frame, arguments: plan.parameters.isEmpty ? nil : pointers)
            guard plan.outputIsBounded else {
                return readOutput(plan, frame: frame).jsonBytes.withUnsafeBytes(answer)
            }
            return withUnsafeTemporaryAllocation(byteCount: plan.outputCapacity, alignment: 1) { buffer in
                var writer = ScalarOutputWriter(buffer)
                writer.writeOutput(plan, result: signature.result, frame: frame)
                return answer(writer.written)
            }
        }
    }

    /// The output of a call whose result or out values include strings or structs, as
    /// ``call(arguments:)`` builds it.
    private func readOutput(_ plan: DirectCallPlan, frame: UnsafeMutableRawPointer) -> JSONValue {
        var outs: [JSONValue] = []
        for parameter in plan.parameters {
            guard case .out(let pointee) = parameter.type else { continue }
            outs.append(CallFrame.read(pointee, from: frame + parameter.storageOffset, widenedReturn: false))
        }
        return .object(["value": CallFrame.read(signature.result, from: frame, widenedReturn: true), "out": .array(outs)])
    }
}
