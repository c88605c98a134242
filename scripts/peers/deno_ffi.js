// `Deno.dlopen` peer of the `ffi` adapter: libm cos, libc strlen, zlib crc32 over 1 KiB, each
// call through the adapter's JSON envelope (ffi_envelope.js).
// Run: deno run --allow-ffi --allow-read deno_ffi.js
import { run } from "./ffi_envelope.js";

const libm = Deno.dlopen("libm.so.6", { cos: { parameters: ["f64"], result: "f64" } });
const libc = Deno.dlopen("libc.so.6", { strlen: { parameters: ["buffer"], result: "usize" } });
const libz = Deno.dlopen("libz.so.1", { crc32: { parameters: ["u64", "buffer", "u32"], result: "u64" } });
run({ ...libm.symbols, ...libc.symbols, ...libz.symbols }, () => performance.now() * 1e6);
