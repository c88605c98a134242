import Foundation
import SwitchyardAdapterHost
import SwitchyardJSON

extension AdapterLibraryCheck {
    /// What `plugin check` calls: a tool and an input, or `nil` to pick them from `describe`.
    public struct CallChoice: Sendable {
        /// The tool to call; `nil` for the first one described.
        public var tool: String?
        /// The input (a JSON object); `nil` to build one from the tool's input schema.
        public var input: JSONValue?

        /// Creates a choice.
        public init(tool: String? = nil, input: JSONValue? = nil) {
            self.tool = tool
            self.input = input
        }
    }

    /// One step of a check: `name`, whether it passed and what was seen.
    public typealias Step = AdapterConformanceCheck.Step

    /// Loads the library at `path` (refusing one writable by others) and runs every step, calling
    /// the tool and input of `choice`.
    /// - Parameters:
    ///   - choice: the call to make.
    ///   - onStep: each step as it finishes.
    /// - Returns: whether every step passed.
    /// - Throws: `HostError` `.adapterLoad` when there is no file at `path`.
    public static func run(libraryPath path: String, calling choice: CallChoice,
                           onStep: (Step) -> Void) async throws(HostError) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else {
            throw HostError(.adapterLoad, "plugin check: no such file: \(path)")
        }
        let check = AdapterConformanceCheck(
            policy: AdapterLoadPolicy(allowedDirectories: nil, refuseWritableByOthers: true),
            tool: choice.tool, input: choice.input)
        return await check.run(libraryPath: path, report: onStep)
    }
}
