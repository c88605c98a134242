#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Finds `switchyard-adapter-helper`, the small executable an isolated adapter's library runs in.
///
/// A dedicated executable rather than a subcommand of `switchyard`: an embedding host has no
/// `switchyard` binary to re-run, and the helper stays small (no CLI, no engine, no server).
public enum HelperExecutable {
    /// The executable's file name.
    public static let name = "switchyard-adapter-helper"

    /// The helper to use: `$SWITCHYARD_ADAPTER_HELPER` when set, else the first
    /// `switchyard-adapter-helper` found beside the running executable or in `directories`
    /// (the adapter directories, where an install puts it beside the adapters).
    /// - Returns: its path, or `nil` when none is found.
    public static func locate(in directories: [String] = [],
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment["SWITCHYARD_ADAPTER_HELPER"], !explicit.isEmpty { return explicit }
        for directory in [executableDirectory] + directories {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The directory holding the running executable.
    public static var executableDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }
}
