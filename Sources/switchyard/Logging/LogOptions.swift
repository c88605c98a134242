import ArgumentParser
import Foundation
import Logging

/// `--log-level` and `--log-format`, shared by every command that runs things.
///
/// Precedence: the flag, then `$SWITCHYARD_LOG_LEVEL` / `$SWITCHYARD_LOG_FORMAT`, then the
/// command's default (`info` for `serve`, a service; `error` for one-shot commands, whose own
/// output already reports progress and results). Logs always go to stderr.
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("log-level"),
            help: "Least severe log level written to stderr: trace, debug, info, notice, warning, error, critical (also $SWITCHYARD_LOG_LEVEL).")
    var logLevel: String?

    @Option(name: .customLong("log-format"),
            help: "Log line format: text (one line: time level label message key=value...) or json (one object per line) (also $SWITCHYARD_LOG_FORMAT).")
    var logFormat: String?

    /// The environment variable naming the level when `--log-level` is absent.
    static let levelVariable = "SWITCHYARD_LOG_LEVEL"
    /// The environment variable naming the format when `--log-format` is absent.
    static let formatVariable = "SWITCHYARD_LOG_FORMAT"

    /// The level and format these options select, from the flags, the environment, or `defaultLevel`.
    /// - Throws: `CommandFailure` (exit 2) naming the flag or variable with an unknown value.
    func resolved(defaultLevel: Logger.Level,
                  environment: [String: String]) throws -> (level: Logger.Level, format: LogLineFormat) {
        let level = try Self.pick(logLevel, flag: "--log-level", variable: Self.levelVariable, environment: environment,
                                  parse: { Logger.Level(rawValue: $0.lowercased()) },
                                  choices: Logger.Level.allCases.map(\.rawValue)) ?? defaultLevel
        let format = try Self.pick(logFormat, flag: "--log-format", variable: Self.formatVariable, environment: environment,
                                   parse: { LogLineFormat(rawValue: $0.lowercased()) },
                                   choices: LogLineFormat.allCases.map(\.rawValue)) ?? .text
        return (level, format)
    }

    /// Installs the process's log handlers (once per process; every command calls it first).
    /// - Throws: `CommandFailure` (exit 2) for an unknown level or format.
    func bootstrap(defaultLevel: Logger.Level) throws {
        let (level, format) = try resolved(defaultLevel: defaultLevel, environment: ProcessInfo.processInfo.environment)
        LogBootstrap.install(level: level, format: format)
    }

    private static func pick<Value>(_ flagValue: String?, flag: String, variable: String, environment: [String: String],
                                    parse: (String) -> Value?, choices: [String]) throws -> Value? {
        let (text, origin): (String?, String) = flagValue.map { ($0, flag) }
            ?? (environment[variable].flatMap { $0.isEmpty ? nil : $0 }, "$" + variable)
        guard let text else { return nil }
        guard let value = parse(text) else {
            throw CommandFailure.usage("\(origin): unknown value \"\(text)\" (one of \(choices.joined(separator: ", ")))")
        }
        return value
    }
}

/// How one log line is written.
enum LogLineFormat: String, CaseIterable, Sendable {
    /// `TIME LEVEL LABEL: MESSAGE key=value ...`
    case text
    /// `{"ts", "level", "label", "message", ...metadata}` on one line.
    case json
}
