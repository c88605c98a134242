import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import Testing

/// `executable` overrides where the runtime binary comes from; a bad one is refused at create
/// time, naming the field.
extension BunAdapterTests {
    /// The node binary on PATH, as a real absolute path to hand to `executable`.
    static var nodePath: String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/node" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("executable picks the runtime binary, by path or by name", .timeLimit(.minutes(1)))
    func executableOverride() async throws {
        let path = try #require(Self.nodePath, "node is not on PATH")
        for executable in [path, "node"] {
            let adapter = try H.adapter(mode: "pooled", runtime: "node", extra: ["executable": .string(executable)])
            #expect(await H.outcome(adapter, "echo", ["via": .string(executable)]).value == ["via": .string(executable)])
            await adapter.shutdown()
        }
        for (executable, problem) in [("/nonexistent/bun", "is not an executable file"), ("no-such-runtime", "was not found on PATH")] {
            #expect {
                _ = try H.adapter(mode: "pooled", extra: ["executable": .string(executable)])
            } throws: { error in
                let text = "\(error)"
                return (error as? ToolError)?.kind == .invalidInput && text.contains("executable") && text.contains(problem)
            }
        }
    }
}
