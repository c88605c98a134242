import Foundation

/// `switchyard-bench SUITE... --json [--runs N] [--spread FILE]`: runs the named suites
/// alternated N times in one process (default 3) and prints one JSON object
/// `{ "SUITE": { "figure": median, ... } }`; every figure's spread goes to stderr as a table and,
/// with `--spread`, to FILE as JSON (docs/CLI.md).
let options: BenchOptions
do {
    options = try BenchOptions(parsing: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("switchyard-bench: \(error)\n\(BenchOptions.usage)\n".utf8))
    exit(2)
}
let samples: [String: [String: FigureSamples]]
do {
    samples = try await BenchRuns.run(options)
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
}
if let path = options.spreadPath {
    do {
        try (BenchRuns.spreadJSON(samples) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        FileHandle.standardError.write(Data("bench: --spread \(path): cannot write: \(error.localizedDescription)\n".utf8))
        exit(2)
    }
}
FileHandle.standardError.write(Data(("bench: median of \(options.runs) alternated run(s)\n" + BenchRuns.spreadTable(samples)).utf8))
print(BenchReport.json(BenchRuns.medians(samples)))
