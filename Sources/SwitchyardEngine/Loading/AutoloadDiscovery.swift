import Foundation

/// Finds the files `autoload.include` names, as compozy's `fsDiscoverer` does: each include
/// pattern is checked (no absolute path, no `..` after cleaning), matched against every file
/// under the project directory by its relative path, the union deduplicated, then every file an
/// exclude pattern (the defaults first) matches by relative path or by name is dropped.
/// Symbolic links to directories are not followed (doublestar does not follow them either).
enum AutoloadDiscovery {
    /// A pattern that cannot be used: which list, its index there, and why.
    struct PatternProblem: Sendable, Equatable {
        /// `include` or `exclude`.
        var list: String
        /// The pattern's index in that list.
        var index: Int
        /// What is wrong.
        var reason: String
    }

    /// The files under `root` that `include` matches and `exclude` does not, as sorted relative
    /// paths, plus every pattern problem (a bad pattern matches nothing).
    static func files(in root: String, include: [String], exclude: [String]) -> (files: [String], problems: [PatternProblem]) {
        var problems: [PatternProblem] = []
        var found: Set<String> = []
        for (index, text) in include.enumerated() where !text.trimmingWhitespace.isEmpty {
            if let reason = traversalProblem(text) {
                problems.append(PatternProblem(list: "include", index: index, reason: reason))
                continue
            }
            let pattern: GlobPattern
            do {
                pattern = try GlobPattern(text)
            } catch {
                problems.append(PatternProblem(list: "include", index: index, reason: "invalid glob pattern \"\(text)\": \(error.reason)"))
                continue
            }
            for (prefix, depth) in pattern.walkRoots {
                walk(root: root, relative: prefix.joined(separator: "/"), depth: depth) { path in
                    if pattern.matches(path) { found.insert(path) }
                }
            }
        }
        var excludes: [GlobPattern] = []
        for (index, text) in (AutoloadConfig.defaultExcludes + exclude).enumerated() where !text.trimmingWhitespace.isEmpty {
            do {
                excludes.append(try GlobPattern(text))
            } catch {
                let position = index - AutoloadConfig.defaultExcludes.count
                problems.append(PatternProblem(list: "exclude", index: position, reason: "invalid glob pattern \"\(text)\": \(error.reason)"))
            }
        }
        let kept = found.filter { path in
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return !excludes.contains { $0.matches(path) || $0.matches(name) }
        }
        return (kept.sorted(), problems)
    }

    /// Why `pattern` may not be used to look outside the project, or nil (compozy's
    /// `validatePattern`: absolute after cleaning, or a `..` segment left after cleaning).
    static func traversalProblem(_ pattern: String) -> String? {
        if pattern.hasPrefix("/") { return "absolute paths not allowed: \(pattern)" }
        var cleaned: [Substring] = []
        for segment in pattern.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == "..", let last = cleaned.last, last != ".." { cleaned.removeLast() } else { cleaned.append(segment) }
        }
        if cleaned.contains("..") { return "parent directory references not allowed: \(pattern)" }
        return nil
    }

    /// Calls `visit` with the relative path of each file under `root/relative`, going at most
    /// `depth` levels down (nil: any depth). `relative` naming a file visits just that file.
    private static func walk(root: String, relative: String, depth: Int?, visit: (String) -> Void) {
        let start = relative.isEmpty ? root : root + "/" + relative
        switch kind(of: start) {
        case .file?:
            if depth == 0 { visit(relative) }
        case .directory?:
            guard depth.map({ $0 > 0 }) ?? true else { return }
            descend(directory: start, relative: relative, depth: depth, visit: visit)
        case nil:
            return
        }
    }

    private static func descend(directory: String, relative: String, depth: Int?, visit: (String) -> Void) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let remaining = depth.map { $0 - 1 }
        for name in names.sorted() {
            let path = directory + "/" + name
            let child = relative.isEmpty ? name : relative + "/" + name
            switch kind(of: path, followingLinks: false) {
            case .file?:
                if remaining.map({ $0 == 0 }) ?? true { visit(child) }
            case .directory?:
                if remaining.map({ $0 > 0 }) ?? true { descend(directory: path, relative: child, depth: remaining, visit: visit) }
            case nil:
                continue
            }
        }
    }

    private enum EntryKind { case file, directory }

    /// A regular file (or a link to one), a directory (a link to one only if `followingLinks`), or nil.
    private static func kind(of path: String, followingLinks: Bool = true) -> EntryKind? {
        guard let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType else { return nil }
        switch type {
        case .typeRegular: return .file
        case .typeDirectory: return .directory
        case .typeSymbolicLink:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
            if isDirectory.boolValue { return followingLinks ? .directory : nil }
            return .file
        default: return nil
        }
    }
}
