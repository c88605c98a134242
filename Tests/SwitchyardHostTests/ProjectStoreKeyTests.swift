import Foundation
import Testing
import SwitchyardHost

/// The project file's `store:` (docs/SCALE-OUT.md, Choosing the store): its forms, relative paths
/// taken from the project directory, its place below `--store` and `$SWITCHYARD_STORE`, and
/// malformed values reported on the field with any password hidden.
@Suite(.timeLimit(.minutes(1)))
struct ProjectStoreKeyTests {
    static func project(store: String?, directory: String = "/srv/proj") -> ProjectConfig {
        var project = ProjectConfig(name: "p", directory: directory, file: directory + "/compozy.yaml")
        project.store = store
        return project
    }

    static func sqlitePath(_ selection: StoreSelection?) -> String? {
        selection?.sqlitePath(forProject: "/unused")
    }

    @Test func everyFormNamesItsStoreAndRelativePathsStartAtTheProject() throws {
        #expect(try StoreSelection.declared(in: Self.project(store: nil)) == nil)
        #expect(Self.sqlitePath(try StoreSelection.declared(in: Self.project(store: "data/runs.sqlite")))
                == "/srv/proj/data/runs.sqlite")
        #expect(Self.sqlitePath(try StoreSelection.declared(in: Self.project(store: "sqlite:data/runs.sqlite")))
                == "/srv/proj/data/runs.sqlite")
        #expect(Self.sqlitePath(try StoreSelection.declared(in: Self.project(store: "sqlite:///var/runs.sqlite")))
                == "/var/runs.sqlite")
        #expect(Self.sqlitePath(try StoreSelection.declared(in: Self.project(store: "/var/runs.sqlite")))
                == "/var/runs.sqlite")
        #expect(Self.sqlitePath(try StoreSelection.declared(in: Self.project(store: "runs.sqlite", directory: "rel/proj/")))
                == "rel/proj/runs.sqlite")
        let postgres = try #require(try StoreSelection.declared(in: Self.project(store: "postgres://sy:s3cret@db.local:6543/runs")))
        #expect(Self.sqlitePath(postgres) == nil)
        #expect(postgres.location(forProject: "/srv/proj") == "postgres://sy:***@db.local:6543/runs")
    }

    @Test(arguments: [
        ("postgres://alice:s3cret@/runs", "no HOST"),
        ("postgresql://alice:s3cret@db/", "/DATABASE"),
        ("mysql://alice:s3cret@db/runs", "not a store"),
        ("sqlite:", "needs a PATH"),
        ("  ", "must name a store"),
    ])
    func aMalformedValueIsAProblemOfTheFieldWithThePasswordHidden(value: String, reason: String) throws {
        let project = Self.project(store: value)
        #expect(throws: ConfigError.self) { try StoreSelection.declared(in: project) }
        do {
            _ = try StoreSelection.declared(in: project)
        } catch {
            #expect(error.file == "/srv/proj/compozy.yaml")
            #expect(error.path == "store")
            #expect(error.reason.contains(reason), "\(error)")
            #expect(!error.description.contains("s3cret"), "\(error)")
        }
    }

    @Test func validateReportsAMalformedStoreNamingTheFileAndField() async throws {
        try await HostTestProject.withDirectory { directory in
            try "name: p\nstore: \"postgres://alice:s3cret@:5432/runs\"\n"
                .write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
            let validation = ProjectHost.validate(directory: directory)
            let problem = try #require(validation.problems.first { $0.path == "store" })
            #expect(problem.file == directory + "/compozy.yaml")
            #expect(!validation.problems.map(\.description).joined().contains("s3cret"))
        }
    }

    @Test func theFlagAndTheEnvironmentComeBeforeTheProjectsStore() async throws {
        try await HostTestProject.withDirectory { (directory: String) async throws -> Void in
            let project = Self.project(store: "declared.sqlite", directory: directory)
            func storePath(_ selection: StoreSelection) async throws -> String? {
                var options = HostTestProject.options()
                options.store = selection
                let host = try await ProjectHost.open(project: project, options: options)
                let path = (try? host.executionStore() as? SQLiteExecutionStore)?.path
                await host.shutdown()
                return path
            }
            let environment = ["SWITCHYARD_STORE": "sqlite:\(directory)/environment.sqlite"]
            #expect(try await storePath(try StoreSelection.resolve(flag: nil, environment: [:])) == directory + "/declared.sqlite")
            #expect(try await storePath(try StoreSelection.resolve(flag: nil, environment: environment))
                    == directory + "/environment.sqlite")
            #expect(try await storePath(try StoreSelection.resolve(flag: "sqlite:\(directory)/flag.sqlite", environment: environment))
                    == directory + "/flag.sqlite")
        }
    }

    @Test func aMalformedStoreFailsTheOpenEvenWhenAFlagChoosesAnotherStore() async throws {
        try await HostTestProject.withDirectory { (directory: String) async throws -> Void in
            let project = Self.project(store: "postgres://alice:s3cret@/runs", directory: directory)
            var options = HostTestProject.options()
            options.store = .sqlite(path: directory + "/flag.sqlite")
            do {
                let host = try await ProjectHost.open(project: project, options: options)
                await host.shutdown()
                Issue.record("a malformed store: opened")
            } catch let error as HostError {
                #expect(error.code == .projectConfig)
                #expect(error.message.hasPrefix(directory + "/compozy.yaml: store: "), "\(error)")
                #expect(!error.description.contains("s3cret"))
            }
            #expect(!FileManager.default.fileExists(atPath: directory + "/flag.sqlite"))
        }
    }
}
