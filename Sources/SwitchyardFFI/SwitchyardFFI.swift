// The dlopen + libffi host: filled in by the FFI work.
