// `bun:ffi` peer of the `ffi` adapter: libm cos, libc strlen, zlib crc32 over 1 KiB, each call
// through the adapter's JSON envelope (ffi_envelope.js). Run: bun bun_ffi.js
import { dlopen, FFIType } from "bun:ffi";
import { run } from "./ffi_envelope.js";

const libm = dlopen("libm.so.6", { cos: { args: [FFIType.f64], returns: FFIType.f64 } });
const libc = dlopen("libc.so.6", { strlen: { args: [FFIType.ptr], returns: FFIType.u64_fast } });
const libz = dlopen("libz.so.1", {
  crc32: { args: [FFIType.u64_fast, FFIType.ptr, FFIType.u32], returns: FFIType.u64_fast },
});
run({ ...libm.symbols, ...libc.symbols, ...libz.symbols }, () => Bun.nanoseconds());
