import Foundation

/// The command line of `switchyard-bench`: `SUITE... [--json] [--runs N] [--spread FILE]`.
struct BenchOptions: Equatable {
    /// The suites to run, in the order given; each run goes through all of them once.
    var suites: [BenchSuite]
    /// How many times the whole list of suites runs, alternated (default 3).
    var runs = 3
    /// Where the per-figure spread (median, min, max, runs) is written as JSON; `nil`: nowhere.
    var spreadPath: String?

    /// The usage line printed on a bad command line.
    static var usage: String {
        "usage: switchyard-bench {\(BenchSuite.allCases.map(\.rawValue).joined(separator: "|"))}... "
            + "[--json] [--runs N] [--spread FILE]"
    }

    /// Parses the arguments after the executable's name.
    /// - Throws: ``BenchUsageError`` naming the argument that is wrong.
    init(parsing arguments: [String]) throws(BenchUsageError) {
        var suites: [BenchSuite] = []
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--json": continue  // the only output format; accepted for the contract's command line
            case "--runs":
                guard let value = remaining.popFirst(), let count = Int(value), count >= 1 else {
                    throw BenchUsageError("--runs: expected a whole number of runs ≥ 1")
                }
                runs = count
            case "--spread":
                guard let path = remaining.popFirst(), !path.hasPrefix("--") else {
                    throw BenchUsageError("--spread: expected a file path")
                }
                spreadPath = path
            default:
                guard let suite = BenchSuite(rawValue: argument) else {
                    throw BenchUsageError("unknown suite or option \"\(argument)\"")
                }
                suites.append(suite)
            }
        }
        guard !suites.isEmpty else { throw BenchUsageError("name at least one suite") }
        self.suites = suites
    }
}

/// A bad `switchyard-bench` command line.
struct BenchUsageError: Error, CustomStringConvertible {
    /// What is wrong, naming the argument.
    let description: String
    init(_ description: String) { self.description = description }
}

/// Every value one figure took over the alternated runs, and what the report shows of them.
struct FigureSamples: Equatable {
    /// One value per run that produced the figure, in run order.
    var values: [Double] = []

    /// The median (the mean of the two middle values for an even count); NaN with no values.
    var median: Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    /// (max − min) ÷ median: how far apart the runs were, relative to the figure.
    var relativeSpread: Double {
        guard let low = values.min(), let high = values.max(), median != 0 else { return .nan }
        return (high - low) / abs(median)
    }
}

/// Runs the suites alternated and keeps every figure's values.
enum BenchRuns {
    /// Runs `options.suites` in order, `options.runs` times over (ffi, bun, …, ffi, bun, …), so
    /// drift of the shared machine hits every suite alike.
    /// - Returns: the samples by suite, then figure.
    static func run(_ options: BenchOptions) async throws -> [String: [String: FigureSamples]] {
        var samples: [String: [String: FigureSamples]] = [:]
        for round in 1...options.runs {
            for suite in options.suites {
                FileHandle.standardError.write(Data("bench: running \(suite.rawValue) (run \(round) of \(options.runs))\n".utf8))
                for (figure, value) in try await suite.run() {
                    // A figure a run could not measure (NaN) is listed but adds no value.
                    samples[suite.rawValue, default: [:]][figure, default: FigureSamples()].values
                        .append(contentsOf: value.isFinite ? [value] : [])
                }
            }
        }
        return samples
    }

    /// The contract's report: every figure's median.
    static func medians(_ samples: [String: [String: FigureSamples]]) -> [String: [String: Double]] {
        samples.mapValues { $0.mapValues(\.median) }
    }

    /// `{"SUITE": {"figure": {"median", "min", "max", "relative_spread", "runs", "values"}}}`, sorted keys.
    static func spreadJSON(_ samples: [String: [String: FigureSamples]]) -> String {
        let suites = samples.keys.sorted().map { suite -> String in
            let figures = samples[suite]!.keys.sorted().map { figure -> String in
                let figureSamples = samples[suite]![figure]!
                let values = figureSamples.values.map(BenchReport.number).joined(separator: ", ")
                return "\"\(figure)\": {\"median\": \(BenchReport.number(figureSamples.median)), "
                    + "\"min\": \(BenchReport.number(figureSamples.values.min() ?? .nan)), "
                    + "\"max\": \(BenchReport.number(figureSamples.values.max() ?? .nan)), "
                    + "\"relative_spread\": \(BenchReport.number(figureSamples.relativeSpread)), "
                    + "\"runs\": \(figureSamples.values.count), \"values\": [\(values)]}"
            }
            return "\"\(suite)\": {" + figures.joined(separator: ", ") + "}"
        }
        return "{" + suites.joined(separator: ", ") + "}"
    }

    /// A Markdown table of every figure, `suite.figure | median | min–max | spread | runs`, for stderr.
    static func spreadTable(_ samples: [String: [String: FigureSamples]]) -> String {
        var lines = ["| figure | median | min–max | spread | runs |", "|---|---|---|---|---|"]
        for suite in samples.keys.sorted() {
            for figure in samples[suite]!.keys.sorted() {
                let figureSamples = samples[suite]![figure]!
                let low = BenchReport.number(figureSamples.values.min() ?? .nan)
                let high = BenchReport.number(figureSamples.values.max() ?? .nan)
                let spread = figureSamples.relativeSpread.isFinite
                    ? String(format: "%.0f%%", figureSamples.relativeSpread * 100) : "–"
                lines.append("| `\(suite).\(figure)` | \(BenchReport.number(figureSamples.median)) | \(low)–\(high) | \(spread) | \(figureSamples.values.count) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
