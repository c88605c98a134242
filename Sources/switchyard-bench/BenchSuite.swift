import Foundation
import SwitchyardRuntime
import SwitchyardAdapterHost

/// The benchmark suites docs/CLI.md names.
enum BenchSuite: String, CaseIterable {
    case ffi, bun, engine, api, peers, scaleout

    /// The directory holding the built executables and adapter libraries.
    static var binDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    func run() async throws -> [String: Double] {
        switch self {
        case .ffi:
            var figures = try FFIBench.run()
            figures.merge(try await AdapterBench.run(binDirectory: Self.binDirectory)) { _, new in new }
            figures.merge(try await FFIAdapterBench.run(binDirectory: Self.binDirectory)) { _, new in new }
            figures.merge(try await IsolatedAdapterBench.run(binDirectory: Self.binDirectory)) { _, new in new }
            return figures
        case .bun: return try await BunBench.run(binDirectory: Self.binDirectory)
        case .engine:
            let library = try AdapterLibrary.load(Self.binDirectory + "/libtextkit.so")
            let textkit = try LibraryAdapter(id: "textkit", library: library)
            let figures = try await EngineBench.run(adapters: ["textkit": textkit], toolID: "upper",
                                                    input: ["text": "checkpointed"])
            await textkit.shutdown()
            return figures
        case .api:
            let library = try AdapterLibrary.load(Self.binDirectory + "/libtextkit.so")
            let textkit = try LibraryAdapter(id: "textkit", library: library)
            let figures = try await APIBench.run(adapters: ["textkit": textkit])
            await textkit.shutdown()
            return figures
        case .peers: return try await PeerBench.run(binDirectory: Self.binDirectory)
        case .scaleout: return try await ScaleOutBench.run(binDirectory: Self.binDirectory)
        }
    }
}

/// Formats the report with sorted keys so runs diff cleanly.
enum BenchReport {
    static func json(_ report: [String: [String: Double]]) -> String {
        let suites = report.keys.sorted().map { suite -> String in
            let figures = report[suite]!.keys.sorted().map { key -> String in
                "\"\(key)\": \(number(report[suite]![key]!))"
            }
            return "\"\(suite)\": {" + figures.joined(separator: ", ") + "}"
        }
        return "{" + suites.joined(separator: ", ") + "}"
    }

    /// A figure as JSON: three decimals, `null` when it is not finite.
    static func number(_ value: Double) -> String {
        value.isFinite ? String(format: "%.3f", value) : "null"
    }
}
