import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// The project file's `store:` through the real `switchyard` commands (docs/SCALE-OUT.md,
/// Choosing the store): a relative path is taken from the project directory wherever the command
/// runs; `--store` and `$SWITCHYARD_STORE` come first; a malformed value is exit 2 naming the
/// file and field, from `validate`, `run` and `serve`; a password is in no message.
@Suite(.timeLimit(.minutes(2)))
struct ProjectStoreCommandTests {
    static let workflow = """
        id: wf
        tasks:
          - id: only
            type: aggregate
            outputs: {done: true}
        """

    /// A project whose file has `store: VALUE`.
    static func project(store: String) throws -> String {
        let directory = try EngineCommandTests.project(workflow)
        try "name: cli\nstore: \"\(store)\"\nworkflows:\n  - source: wf.yaml\n"
            .write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    /// Runs `wf` from an unrelated directory; its exec id.
    static func runWorkflow(_ directory: String, arguments: [String] = [], environment: [String: String] = [:]) throws -> String {
        var merged = ProcessInfo.processInfo.environment
        merged["SWITCHYARD_STORE"] = nil
        merged.merge(environment) { $1 }
        let output = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json"] + arguments,
                                                environment: merged, directory: TemporaryDirectory.make("switchyard-cwd"))
        #expect(output.status == 0, "\(output.stderr)")
        let result = try JSONValue(parsing: output.stdout)
        return try #require(result["exec_id"]?.stringValue)
    }

    /// Whether the SQLite file at `path` (with its WAL) holds `execID`.
    static func holds(_ path: String, _ execID: String) -> Bool {
        [path, path + "-wal"].contains { file in
            guard let data = FileManager.default.contents(atPath: file) else { return false }
            return data.range(of: Data(execID.utf8)) != nil
        }
    }

    @Test func aRelativeStoreIsTakenFromTheProjectDirectoryAndFlagAndEnvironmentComeFirst() throws {
        let directory = try Self.project(store: "data/runs.sqlite")
        let declared = directory + "/data/runs.sqlite"
        let fromProject = try Self.runWorkflow(directory)
        #expect(Self.holds(declared, fromProject))
        #expect(!FileManager.default.fileExists(atPath: directory + "/.switchyard/state.sqlite"))

        let environmentFile = directory + "/environment.sqlite"
        let fromEnvironment = try Self.runWorkflow(directory, environment: ["SWITCHYARD_STORE": "sqlite:" + environmentFile])
        #expect(Self.holds(environmentFile, fromEnvironment))
        #expect(!Self.holds(declared, fromEnvironment))

        let flagFile = directory + "/flag.sqlite"
        let fromFlag = try Self.runWorkflow(directory, arguments: ["--store", "sqlite:" + flagFile],
                                            environment: ["SWITCHYARD_STORE": "sqlite:" + environmentFile])
        #expect(Self.holds(flagFile, fromFlag))
        #expect(!Self.holds(environmentFile, fromFlag))
        #expect(!Self.holds(declared, fromFlag))

        let prefixed = try Self.project(store: "sqlite:prefixed.sqlite")
        #expect(Self.holds(prefixed + "/prefixed.sqlite", try Self.runWorkflow(prefixed)))
    }

    @Test(arguments: ["postgres://alice:s3cret@/runs", "mysql://alice:s3cret@db/runs", "sqlite:"])
    func aMalformedStoreIsExit2NamingTheFileAndFieldFromEveryCommand(value: String) throws {
        let directory = try Self.project(store: value)
        let field = directory + "/compozy.yaml: store: "
        let commands = [
            ["validate", "--project", directory, "--skip-runtime"],
            ["run", "wf", "--project", directory],
            ["run", "wf", "--project", directory, "--store", "sqlite:" + directory + "/flag.sqlite"],
            ["serve", "--project", directory, "--port", "0"],
        ]
        for command in commands {
            let output = try EngineCommandTests.run(command)
            #expect(output.status == 2, "\(command): \(output.stderr)")
            #expect(output.stderr.contains(field), "\(command): \(output.stderr)")
            #expect(!(output.stdout + output.stderr).contains("s3cret"), "\(command): \(output.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/flag.sqlite"))
    }

    @Test func anUnreachablePostgresStoreFailsWithThePasswordHidden() throws {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let directory = try Self.project(store: "postgres://alice:s3cret@127.0.0.1:1/runs")
        let validated = try EngineCommandTests.run(["validate", "--project", directory, "--skip-runtime"])
        #expect(validated.status == 0, "\(validated.stderr)")
        for command in [["run", "wf", "--project", directory], ["serve", "--project", directory, "--port", "0"]] {
            let output = try EngineCommandTests.run(command)
            #expect(output.status == 2, "\(command): \(output.stderr)")
            #expect(output.stderr.contains("postgres://alice:***@127.0.0.1:1/runs"), "\(command): \(output.stderr)")
            #expect(!(output.stdout + output.stderr).contains("s3cret"), "\(command): \(output.stderr)")
        }
    }
}
