import Foundation
import Testing
import SwitchyardRuntime
@testable import SwitchyardHost

/// The rules an adapter library must pass before it is loaded (in process, or handed to a helper):
/// the pinned SHA-256, symlinks checked at their target, no file or directory others could
/// replace. Each test works on its own copy of the built libtextkit.so in a private directory.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct AdapterLocatorIntegrityTests {
    /// A private directory with `adapters/libpinned.so` (a copy of textkit, mode 0644).
    struct Layout {
        let root: String
        var adapters: String { root + "/adapters" }
        var library: String { adapters + "/libpinned.so" }

        init(root: String) throws {
            self.root = root
            try FileManager.default.createDirectory(atPath: root + "/adapters", withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.copyItem(atPath: HostTestProject.buildDirectory + "/libtextkit.so",
                                             toPath: root + "/adapters/libpinned.so")
            chmod(root + "/adapters/libpinned.so", 0o644)
        }

        func locator(_ extra: [String] = []) -> AdapterLocator {
            AdapterLocator(projectDirectory: root, extraDirectories: [adapters] + extra,
                           searchesExecutableDirectory: false, environment: [:])
        }
    }

    /// The file's SHA-256 by coreutils' `sha256sum`, an implementation independent of the host's.
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    static let wrongHash = String(repeating: "ab", count: 32)

    @Test func aMatchingHashLoadsAndNamesTheRealPath() async throws {
        try await HostTestProject.withDirectory { root in
            let layout = try Layout(root: root)
            let hash = try Self.sha256sum(layout.library)
            #expect(hash.count == 64)
            let locator = layout.locator()
            #expect(try locator.verifiedLibraryPath(id: "pinned", library: "pinned", sha256: hash) == layout.library)
            let adapter = try locator.adapter(id: "pinned", library: "pinned", config: .emptyObject, timeout: nil,
                                              sha256: hash)
            #expect(try adapter.describeTools().contains { $0.id == "word_count" })
            await adapter.shutdown()
        }
    }

    @Test func aMismatchIsRefusedWithBothHashes() async throws {
        try await HostTestProject.withDirectory { root in
            let layout = try Layout(root: root)
            let actual = try Self.sha256sum(layout.library)
            let locator = layout.locator()
            for attempt in ["verify", "load"] {
                let error: ToolError? = {
                    do {
                        if attempt == "verify" {
                            _ = try locator.verifiedLibraryPath(id: "pinned", library: "pinned", sha256: Self.wrongHash)
                        } else {
                            _ = try locator.adapter(id: "pinned", library: "pinned", config: .emptyObject, timeout: nil,
                                                    sha256: Self.wrongHash)
                        }
                        return nil
                    } catch { return error as? ToolError }
                }()
                #expect(error?.kind == .load, "\(attempt)")
                #expect(error?.message.hasPrefix("adapter \"pinned\": ") == true, "\(attempt)")
                #expect(error?.message.contains("has SHA-256 \(actual), but sha256 pins \(Self.wrongHash)") == true,
                        "\(attempt): \(error?.message ?? "")")
            }
        }
    }

    @Test func anAlreadyLoadedLibraryIsCheckedAgainstANewPin() async throws {
        try await HostTestProject.withDirectory { root in
            let layout = try Layout(root: root)
            let locator = layout.locator()
            let adapter = try locator.adapter(id: "pinned", library: "pinned", config: .emptyObject, timeout: nil,
                                              sha256: try Self.sha256sum(layout.library))
            await adapter.shutdown()
            #expect(throws: ToolError.self) {
                try locator.adapter(id: "pinned", library: "pinned", config: .emptyObject, timeout: nil,
                                    sha256: Self.wrongHash)
            }
        }
    }

    @Test func aSymlinkIntoAWritableDirectoryIsRefusedAtItsTarget() async throws {
        try await HostTestProject.withDirectory { root in
            let layout = try Layout(root: root)
            let shared = root + "/shared"
            try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: layout.library, toPath: shared + "/libpinned.so")
            chmod(shared, 0o777)
            #expect(symlink(shared + "/libpinned.so", layout.library) == 0)
            let error = #expect(throws: ToolError.self) {
                try layout.locator([shared]).verifiedLibraryPath(id: "pinned", library: "pinned", sha256: nil)
            }
            #expect(error?.message.contains(
                "the directory \"\(shared)\" of library \"\(shared)/libpinned.so\" is writable by group or others (mode 777)")
                == true, "\(error?.message ?? "")")
        }
    }

    @Test func aGroupWritableTargetIsRefused() async throws {
        try await HostTestProject.withDirectory { root in
            let layout = try Layout(root: root)
            let target = layout.adapters + "/libtarget.so"
            try FileManager.default.moveItem(atPath: layout.library, toPath: target)
            chmod(target, 0o664)
            #expect(symlink("libtarget.so", layout.library) == 0)
            let error = #expect(throws: ToolError.self) {
                try layout.locator().adapter(id: "pinned", library: "pinned", config: .emptyObject, timeout: nil)
            }
            #expect(error?.message.contains("library \"\(target)\" is writable by group or others (mode 664)") == true,
                    "\(error?.message ?? "")")
        }
    }

    @Test func aParentWritableByOthersWithoutTheStickyBitIsRefused() async throws {
        try await HostTestProject.withDirectory { root in
            let layout = try Layout(root: root + "/project")
            chmod(root, 0o777)
            let error = #expect(throws: ToolError.self) {
                try layout.locator().verifiedLibraryPath(id: "pinned", library: "pinned", sha256: nil)
            }
            #expect(error?.message.contains(
                "the directory \"\(root)\" above library \"\(layout.library)\" is writable by group or others "
                    + "without the sticky bit (mode 777)") == true, "\(error?.message ?? "")")
            // With the sticky bit, as /tmp has it, others cannot replace what they do not own.
            chmod(root, 0o1777)
            #expect(try layout.locator().verifiedLibraryPath(id: "pinned", library: "pinned", sha256: nil)
                == layout.library)
            chmod(root, 0o700)
        }
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give a directory to another user"))
    func aParentOwnedByAnotherUserIsRefused() async throws {
        try await HostTestProject.withDirectory { root in
            let layout = try Layout(root: root + "/project")
            #expect(chown(layout.root, 4242, 4242) == 0)
            let error = #expect(throws: ToolError.self) {
                try layout.locator().verifiedLibraryPath(id: "pinned", library: "pinned", sha256: nil)
            }
            #expect(error?.message.contains("\"\(layout.root)\" above library \"\(layout.library)\" is owned by uid 4242")
                == true, "\(error?.message ?? "")")
        }
    }
}
