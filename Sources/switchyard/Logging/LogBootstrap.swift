import Foundation
import Logging
import Synchronization

/// Installs the CLI's log handlers into swift-log, once per process.
enum LogBootstrap {
    private static let installed = Mutex<LogLineFormat?>(nil)

    /// The format installed, or nil before ``install(level:format:)``.
    static var format: LogLineFormat? { installed.withLock { $0 } }

    /// Bootstraps swift-log with ``LineLogHandler`` at `level` in `format`; a second call does nothing
    /// (swift-log allows one bootstrap per process).
    static func install(level: Logger.Level, format: LogLineFormat) {
        let first = installed.withLock { chosen -> Bool in
            defer { chosen = chosen ?? format }
            return chosen == nil
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, level: level, format: format) }
    }
}

/// A `LogHandler` writing one line per message to stderr, as text or as one JSON object.
///
/// A line is formatted in full and written with one `write(2)` under a process-wide lock, so lines
/// from many threads never interleave.
struct LineLogHandler: LogHandler {
    /// The logger's label (`switchyard.engine`, `switchyard.adapter`, ...).
    let label: String
    /// The line format.
    let format: LogLineFormat
    /// The least severe level written.
    var logLevel: Logger.Level
    /// Metadata set on the logger itself.
    var metadata: Logger.Metadata = [:]
    /// A provider adding metadata at each line (none by default).
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, level: Logger.Level, format: LogLineFormat) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        let line = LogLineWriter.line(format: format, time: Date(), level: event.level, label: label,
                                      message: event.message.description, metadata: merged)
        LogLineWriter.write(line)
    }
}
