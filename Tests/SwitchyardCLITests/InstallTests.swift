import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// `make install-files PREFIX=…` (what `make install` runs after its build) on this build, then the
/// installed tree used as an operator and a plugin author would: from other directories, with
/// nothing of the repository but what was installed.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(3)))
struct InstallTests {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Runs `executable` (found on PATH) in `directory`; stdout, stderr and the exit status.
    static func run(_ arguments: [String], in directory: String, environment extra: [String: String] = [:])
        throws -> EngineCommandTests.Output
    {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "SWITCHYARD_ADAPTER_PATH")
        environment.merge(extra) { $1 }
        let absolute = arguments[0].hasPrefix("/")
        return try EngineCommandTests.run(absolute ? Array(arguments.dropFirst()) : arguments,
                                          executable: absolute ? arguments[0] : "/usr/bin/env",
                                          environment: environment, directory: directory)
    }

    /// Installs this build into a fresh prefix; returns the prefix.
    static func install() throws -> String {
        let prefix = TemporaryDirectory.make("switchyard-install") + "/prefix"
        let binDirectory = URL(fileURLWithPath: EngineCommandTests.binary).deletingLastPathComponent().path
        let installed = try run(["make", "-s", "install-files", "PREFIX=" + prefix, "INSTALL_BIN_DIR=" + binDirectory],
                                in: packageRoot)
        #expect(installed.status == 0, "\(installed.stderr)")
        return prefix
    }

    @Test func theInstalledTreeWorksFromAnotherDirectory() throws {
        let prefix = try Self.install()
        for file in ["bin/switchyard", "bin/libtextkit.so", "bin/libswitchyard_bun.so", "bin/libswitchyard_ffi.so",
                     "include/switchyard/adapter.h", "lib/pkgconfig/switchyard.pc"] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file)")
        }
        let elsewhere = TemporaryDirectory.make("switchyard-elsewhere")
        let version = try Self.run([prefix + "/bin/switchyard", "--version"], in: elsewhere)
        #expect(version.status == 0)
        #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(version.stdout)")

        let project = TemporaryDirectory.make("switchyard-installed-project")
        try "name: installed\nadapters:\n  - id: textkit\n    library: textkit\ntools:\n  - id: upper\n    adapter: textkit\n"
            .write(toFile: project + "/switchyard.yaml", atomically: true, encoding: .utf8)
        let call = try Self.run([prefix + "/bin/switchyard", "tools", "call", "upper", "--project", project,
                                 "--input", #"{"text": "installed"}"#], in: elsewhere)
        #expect(call.status == 0, "\(call.stderr)")
        #expect(try JSONValue(parsing: call.stdout) == ["text": "INSTALLED"])
    }

    /// A plugin built outside the repository with only `pkg-config --cflags switchyard` and
    /// `cc -shared -fvisibility=hidden` loads and answers a call.
    @Test func aPluginBuiltWithOnlyThePkgConfigCflagsLoadsAndAnswers() throws {
        let prefix = try Self.install()
        let pkgConfig = ["PKG_CONFIG_PATH": prefix + "/lib/pkgconfig"]
        let author = TemporaryDirectory.make("switchyard-author")
        let fixtures = Self.packageRoot + "/Tests/SwitchyardAdapterHostTests/Fixtures/"
        try FileManager.default.copyItem(atPath: fixtures + "kit_helpers.c", toPath: author + "/kit.c")
        try FileManager.default.copyItem(atPath: fixtures + "fixture_plugin.h", toPath: author + "/fixture_plugin.h")
        let cflags = try Self.run(["pkg-config", "--cflags", "switchyard"], in: author, environment: pkgConfig)
        #expect(cflags.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "-I\(prefix)/include")
        let adapters = author + "/project/.switchyard/adapters"
        try FileManager.default.createDirectory(atPath: adapters, withIntermediateDirectories: true)
        let built = try Self.run(
            ["cc", "-std=c99"] + cflags.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
                + ["-shared", "-fPIC", "-fvisibility=hidden", "-o", adapters + "/libkit.so", "kit.c"], in: author)
        #expect(built.status == 0, "\(built.stderr)")
        let check = try Self.run([prefix + "/bin/switchyard", "plugin", "check", adapters + "/libkit.so"], in: author)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        try "name: author\nadapters:\n  - id: kit\n    library: kit\ntools:\n  - id: all\n    adapter: kit\n"
            .write(toFile: author + "/project/switchyard.yaml", atomically: true, encoding: .utf8)
        let call = try Self.run([prefix + "/bin/switchyard", "tools", "call", "all", "--project", "project"], in: author)
        #expect(call.status == 0, "\(call.stderr)")
        #expect(try JSONValue(parsing: call.stdout) == ["done": true])
    }

    /// `plugin new` → `make` (pkg-config of the installed tree) → `make check` → `make test`.
    @Test func aNewPluginSkeletonBuildsPassesTheCheckAndAnswersItsTestCall() throws {
        let prefix = try Self.install()
        let environment = ["PKG_CONFIG_PATH": prefix + "/lib/pkgconfig"]
        let workspace = TemporaryDirectory.make("switchyard-new-plugin")
        let created = try Self.run([prefix + "/bin/switchyard", "plugin", "new", "greeter"], in: workspace)
        #expect(created.status == 0, "\(created.stderr)")
        let folder = workspace + "/greeter"
        for step in ["all", "check", "test"] {
            let made = try Self.run(["make", "-s", step], in: folder, environment: environment)
            #expect(made.status == 0, "make \(step): \(made.stdout)\(made.stderr)")
            if step == "check" { #expect(made.stdout.contains(#"ok call greet {"name":"switchyard"} → result"#), "\(made.stdout)") }
            if step == "test" { #expect(made.stdout.contains(#"{"greeting":"hello, world"}"#)) }
        }
        let again = try Self.run([prefix + "/bin/switchyard", "plugin", "new", "greeter"], in: workspace)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
        let bad = try Self.run([prefix + "/bin/switchyard", "plugin", "new", "Bad-Name"], in: workspace)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\"Bad-Name\" is not a plugin name"))
    }
}
