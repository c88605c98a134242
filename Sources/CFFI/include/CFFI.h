/*
 * CFFI — a small C shim over libffi for Swift.
 *
 * Swift 6 rejects references to libffi's mutable `ffi_type_*` globals (they are not
 * concurrency-safe), yet a prepared CIF must keep their addresses. These accessors hand out the
 * addresses without Swift ever naming the globals. Everything here is `sy_ffi_` prefixed.
 */
#ifndef SWITCHYARD_CFFI_H
#define SWITCHYARD_CFFI_H

#include <ffi.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Built-in type descriptors (addresses of libffi's globals; never NULL) ---- */
ffi_type *_Nonnull sy_ffi_type_void(void);
ffi_type *_Nonnull sy_ffi_type_uint8(void);
ffi_type *_Nonnull sy_ffi_type_sint8(void);
ffi_type *_Nonnull sy_ffi_type_uint16(void);
ffi_type *_Nonnull sy_ffi_type_sint16(void);
ffi_type *_Nonnull sy_ffi_type_uint32(void);
ffi_type *_Nonnull sy_ffi_type_sint32(void);
ffi_type *_Nonnull sy_ffi_type_uint64(void);
ffi_type *_Nonnull sy_ffi_type_sint64(void);
ffi_type *_Nonnull sy_ffi_type_float(void);
ffi_type *_Nonnull sy_ffi_type_double(void);
ffi_type *_Nonnull sy_ffi_type_pointer(void);

/** The `type` tag libffi gives a by-value struct (FFI_TYPE_STRUCT, a macro Swift cannot see typed). */
unsigned short sy_ffi_type_struct_tag(void);

/** ffi_prep_cif with the ABI fixed to FFI_DEFAULT_ABI. Returns FFI_OK on success. */
ffi_status sy_ffi_prep_cif(ffi_cif *_Nonnull cif, unsigned int argument_count,
                           ffi_type *_Nonnull result_type,
                           ffi_type *_Nonnull *_Nullable argument_types);

/** ffi_prep_cif_var (variadic) with the ABI fixed to FFI_DEFAULT_ABI. */
ffi_status sy_ffi_prep_cif_var(ffi_cif *_Nonnull cif, unsigned int fixed_argument_count,
                               unsigned int total_argument_count,
                               ffi_type *_Nonnull result_type,
                               ffi_type *_Nonnull *_Nullable argument_types);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHYARD_CFFI_H */
