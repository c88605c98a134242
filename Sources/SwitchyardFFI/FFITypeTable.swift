import CFFI

/// The `ffi_type` descriptors one call interface needs, owning the ones it had to allocate.
///
/// Built-in types point at libffi's own globals; a by-value struct needs an `ffi_type` of its
/// own plus a NULL-terminated field array, both of which libffi reads (and fills in size and
/// alignment of) at prepare time and at every call, so they live as long as the table.
final class FFITypeTable {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for allocation in allocations { allocation.deallocate() }
    }

    func descriptor(for type: FFIType) -> UnsafeMutablePointer<ffi_type> {
        switch type {
        case .void: return sy_ffi_type_void()
        case .int8: return sy_ffi_type_sint8()
        case .uint8: return sy_ffi_type_uint8()
        case .int16: return sy_ffi_type_sint16()
        case .uint16: return sy_ffi_type_uint16()
        case .int32: return sy_ffi_type_sint32()
        case .uint32: return sy_ffi_type_uint32()
        case .int64: return sy_ffi_type_sint64()
        case .uint64: return sy_ffi_type_uint64()
        case .float: return sy_ffi_type_float()
        case .double: return sy_ffi_type_double()
        case .pointer: return sy_ffi_type_pointer()
        case .structure(let fields):
            let elements = UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>.allocate(
                capacity: fields.count + 1)
            allocations.append(UnsafeMutableRawPointer(elements))
            for (index, field) in fields.enumerated() {
                (elements + index).initialize(to: descriptor(for: field))
            }
            (elements + fields.count).initialize(to: nil)
            let structure = UnsafeMutablePointer<ffi_type>.allocate(capacity: 1)
            allocations.append(UnsafeMutableRawPointer(structure))
            // size and alignment 0: ffi_prep_cif computes them from the elements.
            structure.initialize(
                to: ffi_type(size: 0, alignment: 0, type: sy_ffi_type_struct_tag(), elements: elements))
            return structure
        }
    }

    /// An array of descriptors for `types`, owned by the table.
    func descriptors(for types: [FFIType]) -> UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>>.allocate(
            capacity: max(types.count, 1))
        allocations.append(UnsafeMutableRawPointer(array))
        for (index, type) in types.enumerated() {
            (array + index).initialize(to: descriptor(for: type))
        }
        return array
    }
}
