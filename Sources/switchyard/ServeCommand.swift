import ArgumentParser
import Foundation
import SwitchyardHost
import SwitchyardServer

/// `switchyard serve [--project DIR] [--host 127.0.0.1] [--port 5001] [--api-key KEY]`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serves the project over the HTTP API (/api/v0).")

    @Option(help: "The project directory.")
    var project: String = "."

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: Int = 5001

    @Option(help: "Require `Authorization: Bearer KEY` on every route but /health (default: $SWITCHYARD_API_KEY).")
    var apiKey: String?

    func run() async throws {
        guard (0...65535).contains(port) else { throw CommandFailure.usage("--port: \(port) is not a port number") }
        let key = apiKey ?? ProcessInfo.processInfo.environment["SWITCHYARD_API_KEY"]
        let projectHost = try await ProjectHost.openForCommand(project)
        // Each failed tool call prints one `error[KIND]: ...` line on stderr, with its execution.
        let server = APIServer(engine: projectHost.engine, host: host, port: port, apiKey: key) { event in
            if case .toolFailed(let execID, _, let error) = event { printError("exec \(execID): \(error.description)") }
        }
        let name = projectHost.project.name
        let host = self.host
        let outcome: Result<Void, any Error>
        do {
            outcome = .success(try await server.run { bound in
                printError("switchyard: serving project \"\(name)\" on http://\(host):\(bound)/api/v0"
                           + (key == nil ? "" : " (API key required)"))
            })
        } catch {
            outcome = .failure(error)
        }
        // Stopped (SIGINT/SIGTERM) or failed to bind: runs are canceled, workers stopped.
        await projectHost.shutdown()
        if case .failure(let error) = outcome {
            throw CommandFailure(line: "error: --host/--port: cannot serve on \(host):\(port): \(error)", exitCode: 2)
        }
    }
}
