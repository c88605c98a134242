import ArgumentParser
import Foundation
import SwitchyardEngine
import SwitchyardHost
import SwitchyardServer

/// `switchyard serve [--project DIR] [--host 127.0.0.1] [--port 5001] [--api-key-file PATH]` and
/// the limits of docs/HTTP-API.md#limits.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serves the project over the HTTP API (/api/v0).")

    @Option(help: "The project directory.")
    var project: String = "."

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: Int = 5001

    @Option(help: "Require `Authorization: Bearer KEY` on every route but /health. Visible to every local user in /proc/PID/cmdline: prefer --api-key-file or $SWITCHYARD_API_KEY.")
    var apiKey: String?

    @Option(help: "Read the API key from this file (surrounding whitespace is dropped).")
    var apiKeyFile: String?

    @Option(help: "How long a new connection may take to send a complete request head (e.g. 10s).")
    var headerTimeout: String = "10s"

    @Option(help: "How long a request body may take once its head arrived.")
    var bodyTimeout: String = "30s"

    @Option(help: "How long a keep-alive connection may wait for its next request.")
    var idleTimeout: String = "30s"

    @Option(help: "Connections held at once; more are answered 503 and closed (default: 1024, or half the open-file limit).")
    var maxConnections: Int?

    @Option(help: "Executions run at once; starting one more answers 503 with Retry-After.")
    var maxExecutions: Int = 64

    @Option(help: "Connections the kernel queues before they are accepted.")
    var backlog: Int = 256

    @Option(help: "How often an event stream of an execution another process runs reads the store when no wake-up came from the store's notifier (a safety net).")
    var eventFallbackPoll: String = "5s"

    @OptionGroup var metricsOptions: MetricsOptions

    @OptionGroup(title: "Leases and recovery (docs/SCALE-OUT.md)") var scaleOut: ScaleOutOptions

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logs: LogOptions

    func run() async throws {
        try logs.bootstrap(defaultLevel: .info)
        guard (0...65535).contains(port) else { throw CommandFailure.usage("--port: \(port) is not a port number") }
        let key = try apiKeyValue()
        let limits = try serverLimits()
        let metricsRegistry = metricsOptions.bootstrap()
        let projectHost = try await ProjectHost.openForCommand(project, store: try storeOptions.selection())
        // Claims and resumes executions nobody holds; drains on SIGUSR1.
        let ownership = try scaleOut.start(projectHost, maxExecutions: limits.maxExecutions)
        // Each failed tool call prints one `error[KIND]: ...` line on stderr, with its execution.
        var server = APIServer(engine: projectHost.engine, host: host, port: port, apiKey: key, limits: limits) { event in
            if case .toolFailed(let execID, _, let error) = event { printError("exec \(execID): \(error.description)") }
        }
        server.metrics = metricsOptions.endpoint(metricsRegistry, host: projectHost)
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
        // Stopped (SIGINT/SIGTERM) or failed to bind: held runs get the grace period, the rest
        // are released to other processes, then workers stop.
        await ownership.stop()
        await projectHost.shutdown()
        if case .failure(let error) = outcome {
            throw CommandFailure(line: "error: --host/--port: cannot serve on \(host):\(port): \(error)", exitCode: 2)
        }
    }

    /// The key from `--api-key-file`, `--api-key` (with a warning) or `$SWITCHYARD_API_KEY`, in that order.
    private func apiKeyValue() throws -> String? {
        if let apiKeyFile {
            guard let data = FileManager.default.contents(atPath: apiKeyFile) else {
                throw CommandFailure.usage("--api-key-file: cannot read \(apiKeyFile)")
            }
            let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty else { throw CommandFailure.usage("--api-key-file: \(apiKeyFile) is empty") }
            return key
        }
        if let apiKey {
            printError("switchyard: warning: --api-key is visible to every local user in /proc/\(getpid())/cmdline;"
                       + " use --api-key-file PATH or $SWITCHYARD_API_KEY")
            return apiKey
        }
        return ProcessInfo.processInfo.environment["SWITCHYARD_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private func serverLimits() throws -> ServerLimits {
        func duration(_ text: String, _ flag: String) throws -> Duration {
            guard let parsed = GoDuration.parse(text), parsed > .zero else {
                throw CommandFailure.usage("\(flag): \"\(text)\" is not a positive duration (e.g. 500ms, 30s, 2m)")
            }
            return parsed
        }
        func count(_ value: Int, _ flag: String) throws -> Int {
            guard value >= 1 else { throw CommandFailure.usage("\(flag): must be at least 1, got \(value)") }
            return value
        }
        return ServerLimits(
            headerTimeout: try duration(headerTimeout, "--header-timeout"),
            bodyTimeout: try duration(bodyTimeout, "--body-timeout"),
            idleTimeout: try duration(idleTimeout, "--idle-timeout"),
            maxConnections: try count(maxConnections ?? ServerLimits.defaultMaxConnections, "--max-connections"),
            maxExecutions: try count(maxExecutions, "--max-executions"),
            backlog: try count(backlog, "--backlog"),
            eventPollInterval: try duration(eventFallbackPoll, "--event-fallback-poll"))
    }
}
