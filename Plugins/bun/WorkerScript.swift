/// The JavaScript the runtime processes run, from the files in `js/` (embedded at build time by
/// SwiftPM's `embedInCode`, as `PackageResources.<file>_<ext>`).
///
/// `js/worker.mjs` is the worker every runtime process runs, except per_call on Bun: it imports
/// the entrypoint, reads requests as NDJSON on stdin and answers one line per frame on stdout:
/// `<id> <p|r|e> <byteLength> <json>\n`. The byte length lets the adapter demultiplex and
/// enforce the output limit without parsing JSON. One script serves bun, node and deno
/// (feature-detected). On Bun it avoids `process.stdout` / `process.stdin`, which cost ~9 ms of
/// start-up. Argument 2 is `pooled` or `per_call`. A `{"drain":true}` request asks it to exit
/// once stdin is closed and its calls are done; stdin closing without one means the host died,
/// and the worker stops its process group at once.
///
/// `js/per-call.mjs` is what a `per_call` Bun process runs: one process, one call, then exit.
/// Start-up is the whole cost of a per_call call, so it is only the fast path, in straight-line
/// code. Measured with Bun 1.4 (BENCHMARKS.md): every step costs 20–200 µs, first use of
/// `Buffer` ~0.2 ms, each KB of code ~0.12 ms even untranspiled, and each KB Bun transpiles
/// ~0.25 ms (hence the `// @bun` pragma). The request arrives in `$SWITCHYARD_REQUEST`; the
/// call's env is already the process environment; the answer's byte length is counted in place
/// for short text. Everything else (reading a large request from stdin, watching for the host's
/// death, describe, errors) is in `js/per-call-helpers.mjs`, a module loaded only when needed.
///
/// `js/convention.js` is compozy's convention, written once for both (function declarations,
/// appended to the worker and prepended to the helpers): which exports are tools, how a return
/// value is wrapped, and the error frames for an import failure, an unknown tool, a throw and
/// an output JSON cannot carry.
///
/// The scripts spell the ERROR frame kinds as string literals ("tool_error", "not_found",
/// "protocol"): they are adapter.h's `SY_ERROR_KIND_*` values, which JavaScript cannot import.
enum WorkerScript {
    static let fileName = "switchyard-worker.mjs"
    /// Asks a worker to exit once stdin closes and its calls are done (a recycle, not a crash).
    static let drainLine = Array("{\"drain\":true}\n".utf8)

    /// The general worker: `worker.mjs`, then the convention's functions.
    static let source = text(PackageResources.worker_mjs) + "\n" + text(PackageResources.convention_js)

    /// The per_call Bun script.
    static let perCallBunSource = text(PackageResources.per_call_mjs)

    /// The per-call script's slow paths, as an ES module (Bun transpiles it when it is loaded,
    /// which happens only off the fast path): the convention's functions, then the helpers
    /// (whose `export { ... }` names them).
    static let perCallHelpersSource =
        text(PackageResources.convention_js) + "\n" + text(PackageResources.per_call_helpers_mjs)

    /// A file's text without its final newline: the scripts are joined with one newline between
    /// the parts and none at the end, so the bytes on disk (and the cache file's hash-derived
    /// name) are what they were when the scripts were Swift literals.
    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.last == UInt8(ascii: "\n") ? bytes.dropLast() : bytes[...], as: UTF8.self)
    }
}
