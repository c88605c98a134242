import Foundation

/// The whole machine's CPU time from `/proc/stat` (every process, the database server and any
/// neighbour included): what tells a CPU-bound run from one that waits.
struct MachineCPU {
    let busy: Double
    let total: Double

    /// The counters now; zero when `/proc/stat` cannot be read.
    static func now() -> MachineCPU {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return MachineCPU(busy: 0, total: 0) }
        // user nice system idle iowait irq softirq steal …, in clock ticks.
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        let total = ticks.prefix(8).reduce(0, +)
        let idle = ticks.count > 4 ? ticks[3] + ticks[4] : 0
        return MachineCPU(busy: total - idle, total: total)
    }

    /// The share of the machine's CPU busy between `earlier` and this reading (0–1).
    func busyShare(since earlier: MachineCPU) -> Double {
        let total = self.total - earlier.total
        return total > 0 ? (busy - earlier.busy) / total : 0
    }
}
