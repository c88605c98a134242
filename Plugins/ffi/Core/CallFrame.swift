import SwitchyardFFI
import SwitchyardJSON

/// The memory of one JSON-marshaled foreign call: a slot per argument, the argument pointer
/// array libffi wants, result storage, and the copies of strings and buffers the arguments point
/// at. Everything is freed by ``release()`` after the results are read.
struct CallFrame {
    private let block: UnsafeMutableRawPointer
    private let slotOffsets: [Int]
    let argumentPointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    let result: UnsafeMutableRawPointer
    private var allocations: [UnsafeMutableRawPointer] = []
    var outStorage: [UnsafeMutableRawPointer] = []

    init(parameters: [FFIValueType], result resultType: FFIType) {
        // One block: [result][slot 0][slot 1]...; each slot 8-byte multiple, 16-aligned.
        var offset = FFIType.align(max(resultType.size, 8), to: 16)
        var slotOffsets: [Int] = []
        for parameter in parameters {
            slotOffsets.append(offset)
            offset += FFIType.align(max(parameter.ffiType.size, 8), to: 16)
        }
        block = .allocate(byteCount: max(offset, 16), alignment: 16)
        block.initializeMemory(as: UInt8.self, repeating: 0, count: max(offset, 16))
        self.slotOffsets = slotOffsets
        self.result = block
        if parameters.isEmpty {
            argumentPointers = nil
        } else {
            let pointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: parameters.count)
            for (index, slotOffset) in slotOffsets.enumerated() {
                (pointers + index).initialize(to: block + slotOffset)
            }
            argumentPointers = pointers
        }
    }

    func slot(_ index: Int) -> UnsafeMutableRawPointer { block + slotOffsets[index] }

    /// Zeroed memory that lives until ``release()``.
    mutating func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: alignment)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        allocations.append(memory)
        return memory
    }

    func release() {
        for allocation in allocations { allocation.deallocate() }
        argumentPointers?.deallocate()
        block.deallocate()
    }
}
