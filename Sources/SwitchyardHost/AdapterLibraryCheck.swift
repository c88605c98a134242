import Foundation
import SwitchyardAdapterHost

/// Checks an adapter library against the C ABI (`switchyard plugin check`): the handshake,
/// describe, a call, a cancel, release. For adapter authors and hosts that vet a library before
/// listing it in a project.
public enum AdapterLibraryCheck {
    /// Loads the library at `path` (refusing one writable by others) and runs every step.
    /// - Parameter onStep: one line per step, `ok NAME DETAIL` or `FAIL NAME: DETAIL`.
    /// - Returns: whether every step passed.
    /// - Throws: `HostError` `.adapterLoad` when there is no file at `path`.
    public static func run(libraryPath path: String, onStep: (String) -> Void) async throws(HostError) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else {
            throw HostError(.adapterLoad, "plugin check: no such file: \(path)")
        }
        let check = AdapterConformanceCheck(policy: AdapterLoadPolicy(allowedDirectories: nil, refuseWritableByOthers: true))
        return await check.run(libraryPath: path) { step in onStep(step.line) }
    }
}
