import Foundation
import Logging
import SwitchyardEngine
import SwitchyardRuntime

/// The log lines of the tool `tools call` runs, shown on stderr as the display decides (not
/// filtered by `--log-level`): as they are with `--log-format text`, as JSON log lines (label
/// `switchyard.tool`, `tool_id`) with `--log-format json`, so every stderr line stays one object.
enum ToolLogEcho {
    static func show(_ level: ToolLogLevel, _ line: String, toolID: String) {
        guard LogBootstrap.format == .json else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
            return
        }
        LogLineWriter.write(LogLineWriter.line(format: .json, time: Date(), level: level.loggerLevel,
                                               label: "switchyard.tool", message: line,
                                               metadata: ["tool_id": "\(toolID)"]))
    }
}
