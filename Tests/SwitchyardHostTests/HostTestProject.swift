import Foundation
import SwitchyardHost

/// A project directory for the host tests: textkit's `word_count` and `upper` tools and one
/// workflow over them, with adapters loaded from the build directory (where `swift build` puts
/// `libtextkit.so`) passed explicitly, as an embedding host passes them.
enum HostTestProject {
    static let projectFile = """
        name: host-tests
        version: "1"
        workflows:
          - source: ./measure.yaml
        adapters:
          - id: textkit
            library: textkit
        tools:
          - id: word_count
            adapter: textkit
            description: Counts words and characters.
          - id: upper
            adapter: textkit
        """

    static let workflowFile = """
        id: measure
        config:
          input:
            type: object
            properties:
              text: { type: string, default: "one two three" }
        tasks:
          - id: count
            type: basic
            tool: word_count
            with:
              text: "{{ .workflow.input.text }}"
            on_success:
              next: shout
          - id: shout
            type: basic
            tool: upper
            with:
              text: "{{ .workflow.input.text }}"
            final: true
        outputs:
          words: "{{ .tasks.count.output.words }}"
          loud: "{{ .tasks.shout.output.text }}"
        """

    /// The directory holding the test bundle and every built adapter library.
    static var buildDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// A fresh private temporary directory; the caller removes it (`withDirectory`).
    static func makeDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-host-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        return path
    }

    /// Runs `body` with a fresh temporary directory, removed afterwards (the body shuts its hosts
    /// down first, so nothing writes there any more).
    static func withDirectory<T>(_ body: (String) async throws -> T) async rethrows -> T {
        let directory = makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    /// Writes the project into `directory`.
    static func write(to directory: String, projectFile: String = projectFile) throws {
        try projectFile.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try workflowFile.write(toFile: directory + "/measure.yaml", atomically: true, encoding: .utf8)
    }

    /// Options that find adapters only in the build directory, given as a host's own directory.
    static func options(_ loading: ProjectHost.Loading = .eager) -> ProjectHost.Options {
        var options = ProjectHost.Options()
        options.adapterDirectories = [buildDirectory]
        options.searchesExecutableDirectory = false
        options.environment = [:]
        options.loading = loading
        return options
    }

    /// Opens a fresh copy of the project, runs `body`, shuts the host down and removes the copy.
    static func withHost(_ loading: ProjectHost.Loading = .eager,
                         _ body: (ProjectHost, String) async throws -> Void) async throws {
        try await withDirectory { directory in
            try write(to: directory)
            let host = try await ProjectHost.open(directory: directory, options: options(loading))
            do { try await body(host, directory) } catch {
                await host.shutdown()
                throw error
            }
            await host.shutdown()
        }
    }
}
