import Foundation

/// `switchyard-bench SUITE... --json`: runs the named suites side by side in one process and
/// prints one JSON object `{ "SUITE": { "figure": number, ... } }`.
let arguments = Array(CommandLine.arguments.dropFirst())
let suites = arguments.filter { !$0.hasPrefix("--") }
let known = BenchSuite.allCases.map(\.rawValue)
guard !suites.isEmpty, suites.allSatisfy(known.contains) else {
    FileHandle.standardError.write(Data("usage: switchyard-bench {\(known.joined(separator: "|"))}... --json\n".utf8))
    exit(2)
}
var report: [String: [String: Double]] = [:]
do {
    for name in suites {
        FileHandle.standardError.write(Data("bench: running \(name)\n".utf8))
        report[name] = try await BenchSuite(rawValue: name)!.run()
    }
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
}
print(BenchReport.json(report))
