import Foundation

/// What /proc says about processes, for tests of what the adapter starts and reaps.
enum ProcessTable {
    /// One process's pid, parent, state letter and argv.
    struct Entry {
        var pid: Int32
        var parent: Int32
        var state: Character
        var arguments: [String]
    }

    static func entries() -> [Entry] {
        var found: [Entry] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let state = fields[0].first, let parent = Int32(fields[1]) else { continue }
            let argv = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { data in
                [UInt8](data).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            } ?? []
            found.append(Entry(pid: pid, parent: parent, state: state, arguments: argv))
        }
        return found
    }

    /// Processes (zombies included) whose argv is exactly `arguments`.
    static func running(_ arguments: [String]) -> [Entry] {
        entries().filter { $0.arguments == arguments }
    }

    /// This process's children that exited and nobody reaped.
    static func zombieChildren() -> [Entry] {
        let me = getpid()
        return entries().filter { $0.parent == me && $0.state == "Z" }
    }

    /// This process's live children whose executable's name is `name` (e.g. "bun").
    static func liveChildren(named name: String) -> Int {
        let me = getpid()
        return entries().count { entry in
            entry.parent == me && entry.state != "Z" && (entry.arguments.first.map { ($0 as NSString).lastPathComponent == name } ?? false)
        }
    }

    /// This process's resident set, in KiB.
    static func residentKB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// Waits (bounded) until `condition` holds; returns whether it did.
    static func eventually(seconds: Int = 10, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<(seconds * 20) {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
