#include "CFFI.h"

ffi_type *sy_ffi_type_void(void) { return &ffi_type_void; }
ffi_type *sy_ffi_type_uint8(void) { return &ffi_type_uint8; }
ffi_type *sy_ffi_type_sint8(void) { return &ffi_type_sint8; }
ffi_type *sy_ffi_type_uint16(void) { return &ffi_type_uint16; }
ffi_type *sy_ffi_type_sint16(void) { return &ffi_type_sint16; }
ffi_type *sy_ffi_type_uint32(void) { return &ffi_type_uint32; }
ffi_type *sy_ffi_type_sint32(void) { return &ffi_type_sint32; }
ffi_type *sy_ffi_type_uint64(void) { return &ffi_type_uint64; }
ffi_type *sy_ffi_type_sint64(void) { return &ffi_type_sint64; }
ffi_type *sy_ffi_type_float(void) { return &ffi_type_float; }
ffi_type *sy_ffi_type_double(void) { return &ffi_type_double; }
ffi_type *sy_ffi_type_pointer(void) { return &ffi_type_pointer; }

unsigned short sy_ffi_type_struct_tag(void) { return FFI_TYPE_STRUCT; }

ffi_status sy_ffi_prep_cif(ffi_cif *cif, unsigned int argument_count, ffi_type *result_type,
                           ffi_type **argument_types) {
    return ffi_prep_cif(cif, FFI_DEFAULT_ABI, argument_count, result_type, argument_types);
}

ffi_status sy_ffi_prep_cif_var(ffi_cif *cif, unsigned int fixed_argument_count,
                               unsigned int total_argument_count, ffi_type *result_type,
                               ffi_type **argument_types) {
    return ffi_prep_cif_var(cif, FFI_DEFAULT_ABI, fixed_argument_count, total_argument_count,
                            result_type, argument_types);
}
