// The ffi adapter plugin.
