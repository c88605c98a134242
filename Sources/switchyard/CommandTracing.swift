import ArgumentParser
import SwitchyardTelemetry

/// OpenTelemetry tracing for the commands that run workflows (`run`, `resume`, `serve`): bootstrapped
/// from the `OTEL_*` variables before the command runs and flushed after it ends, whether it
/// succeeded or threw (docs/TRACING.md). Other commands never bootstrap a tracer.
enum CommandTracing {
    /// Runs `command`, with tracing on when it runs workflows and the environment asks for
    /// traces; spans still queued are exported before this returns or rethrows.
    /// - Throws: what the command throws, or a usage failure naming an `OTEL_*` variable this
    ///   build cannot honour.
    static func run(_ command: sending any AsyncParsableCommand) async throws {
        var command = command
        guard command is RunCommand || command is ResumeCommand || command is ServeCommand else {
            return try await command.run()
        }
        let session: TracingSession?
        do {
            session = try TracingBootstrap.start()
        } catch let problem as TracingBootstrap.ConfigurationError {
            throw CommandFailure.usage(problem.description)
        } catch {
            throw CommandFailure.usage("OTEL_* variables: \(error)")
        }
        do {
            try await command.run()
            await session?.shutdown()
        } catch {
            await session?.shutdown()
            throw error
        }
    }
}
