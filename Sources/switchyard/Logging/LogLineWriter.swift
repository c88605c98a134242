import Glibc
import Foundation
import Logging
import Synchronization
import SwitchyardJSON

/// Formats log lines and writes them to stderr.
enum LogLineWriter {
    private static let stderrLock = Mutex(())

    /// One line (ending in `\n`): text `TIME LEVEL LABEL: MESSAGE key=value ...` (keys sorted), or
    /// JSON `{"ts","level","label","message",...metadata}` with the metadata as members.
    static func line(format: LogLineFormat, time: Date, level: Logger.Level, label: String, message: String,
                     metadata: Logger.Metadata) -> String {
        let stamp = timestamp(time)
        let keys = metadata.keys.sorted()
        switch format {
        case .text:
            var line = "\(stamp) \(level.rawValue) \(label): \(oneLine(message))"
            for key in keys { line += " \(key)=\(textValue(metadata[key]!))" }
            return line + "\n"
        case .json:
            var line = "{\"ts\":\(JSONValue.string(stamp).jsonString),\"level\":\"\(level.rawValue)\""
                + ",\"label\":\(JSONValue.string(label).jsonString),\"message\":\(JSONValue.string(message).jsonString)"
            for key in keys where !["ts", "level", "label", "message"].contains(key) {
                line += ",\(JSONValue.string(key).jsonString):\(jsonValue(metadata[key]!).jsonString)"
            }
            return line + "}\n"
        }
    }

    /// Writes `line` to stderr in one piece (retrying short writes), under the process-wide lock.
    static func write(_ line: String) {
        var line = line
        stderrLock.withLock { _ in
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                    if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
                }
            }
        }
    }

    /// RFC 3339 in UTC with milliseconds: `2026-12-01T22:40:00.123Z`.
    static func timestamp(_ time: Date) -> String {
        var seconds = time_t(time.timeIntervalSince1970.rounded(.down))
        let millis = Int((time.timeIntervalSince1970 - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let milliText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(milliText)Z"
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let elements): .array(elements.map(jsonValue))
        case .dictionary(let members): .object(members.mapValues(jsonValue))
        }
    }

    /// A value as text: bare when it is one plain word, else JSON-quoted so the line stays parseable.
    private static func textValue(_ value: Logger.Metadata.Value) -> String {
        guard case .string(let text) = value else {
            if case .stringConvertible(let convertible) = value { return textValue(.string(convertible.description)) }
            return jsonValue(value).jsonString
        }
        let plain = !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "=") && $0 != 0x7F }
        return plain ? text : JSONValue.string(text).jsonString
    }

    /// The message with line breaks escaped, so one message is one line.
    private static func oneLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}
