/* Placeholder: the FFI helper fills this with sy_ffi_* accessors. */
#include <ffi.h>
