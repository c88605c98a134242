import ArgumentParser
import SwitchyardTelemetry

/// OpenTelemetry tracing for the commands that run workflows (`run`, `resume`, `serve`): bootstrapped
/// from the `OTEL_*` variables before the command runs and flushed after it ends, whether it
/// succeeded or threw (docs/TRACING.md). Other commands never bootstrap a tracer.
enum CommandTracing {
    /// Runs `body` (the command) with tracing on when `command` runs workflows and the environment
    /// asks for traces; spans still queued are exported before this returns or rethrows.
    /// - Throws: what `body` throws, or a usage failure naming an `OTEL_*` variable this build
    ///   cannot honour.
    static func traced<T>(for command: any ParsableCommand, _ body: () async throws -> T) async throws -> T {
        guard command is RunCommand || command is ResumeCommand || command is ServeCommand else {
            return try await body()
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
            let value = try await body()
            await session?.shutdown()
            return value
        } catch {
            await session?.shutdown()
            throw error
        }
    }
}
