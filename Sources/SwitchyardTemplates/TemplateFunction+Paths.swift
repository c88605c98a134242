import Foundation
import SwitchyardJSON

/// sprig's path functions (Go's `path`; the `os` forms are `path/filepath`, the same on Linux),
/// `urlParse`/`urlJoin`, `env`/`expandenv` (the process environment, as in compozy) and
/// `semver`/`semverCompare` (TemplateSemver.swift).
extension TemplateFunction {
    func callPath(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue? {
        switch self {
        case .base, .osBase:
            try requireArguments(args, 1)
            return .string(goPathBase(textArgument(args[0])))
        case .dir, .osDir:
            try requireArguments(args, 1)
            let path = textArgument(args[0])
            let cut = path.lastIndex(of: "/").map { path[...$0] } ?? ""
            return .string(goPathClean(String(cut)))
        case .clean, .osClean:
            try requireArguments(args, 1)
            return .string(goPathClean(textArgument(args[0])))
        case .ext, .osExt:
            try requireArguments(args, 1)
            let path = textArgument(args[0])
            for index in path.indices.reversed() {
                if path[index] == "/" { break }
                if path[index] == "." { return .string(String(path[index...])) }
            }
            return ""
        case .isAbs, .osIsAbs:
            try requireArguments(args, 1)
            return .bool(textArgument(args[0]).hasPrefix("/"))
        case .urlParse:
            try requireArguments(args, 1)
            return .object(try GoURL(parsing: textArgument(args[0])).members)
        case .urlJoin:
            try requireArguments(args, 1)
            return .string(GoURL(members: try dictArgument(args[0], "urlJoin")).text)
        case .env:
            try requireArguments(args, 1)
            return .string(ProcessInfo.processInfo.environment[textArgument(args[0])] ?? "")
        case .expandenv:
            try requireArguments(args, 1)
            return .string(expandedEnvironment(textArgument(args[0])))
        case .semver:
            try requireArguments(args, 1)
            return .object(try SemanticVersion(parsing: textArgument(args[0])).members)
        case .semverCompare:
            try requireArguments(args, 2)
            let version = try SemanticVersion(parsing: textArgument(args[1]))
            return .bool(try SemanticVersionConstraint(parsing: textArgument(args[0])).isSatisfied(by: version))
        default:
            return nil
        }
    }
}

/// Go's `path.Clean`: one slash between elements, `.` removed, `..` folded; "" is ".".
func goPathClean(_ path: String) -> String {
    guard !path.isEmpty else { return "." }
    let rooted = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
        switch part {
        case ".": continue
        case "..":
            if let last = parts.last, last != ".." { parts.removeLast() } else if !rooted { parts.append(part) }
        default: parts.append(part)
        }
    }
    let joined = parts.joined(separator: "/")
    return rooted ? "/" + joined : (joined.isEmpty ? "." : joined)
}

/// Go's `path.Base`: the last element, trailing slashes ignored; "" is ".", all slashes "/".
private func goPathBase(_ path: String) -> String {
    guard !path.isEmpty else { return "." }
    var trimmed = Substring(path)
    while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard !trimmed.isEmpty else { return "/" }
    return String(trimmed.split(separator: "/", omittingEmptySubsequences: false).last ?? trimmed)
}

/// Go's `os.ExpandEnv`: `$NAME` and `${NAME}` replaced from the environment, unset ones by "".
private func expandedEnvironment(_ text: String) -> String {
    let environment = ProcessInfo.processInfo.environment
    var result = ""
    var scalars = text.unicodeScalars[...]
    while let scalar = scalars.popFirst() {
        guard scalar == "$", let next = scalars.first else { result.unicodeScalars.append(scalar); continue }
        var name: Substring.UnicodeScalarView.SubSequence
        if next == "{" {
            guard let close = scalars.firstIndex(of: "}") else { result += "$"; continue }
            name = scalars[scalars.index(after: scalars.startIndex)..<close]
            scalars = scalars[scalars.index(after: close)...]
        } else if "*#$@!?-0123456789".unicodeScalars.contains(next) {
            name = scalars.prefix(1)
            scalars = scalars.dropFirst()
        } else {
            name = scalars.prefix { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
            if name.isEmpty { result += "$"; continue }
            scalars = scalars.dropFirst(name.count)
        }
        result += environment[String(String.UnicodeScalarView(name))] ?? ""
    }
    return result
}

/// A URL split as Go's `url.Parse` splits it, in the shape sprig's `urlParse` returns.
private struct GoURL {
    var scheme = "", opaque = "", userinfo = "", host = "", path = "", query = "", fragment = ""

    init(parsing text: String) throws(TemplateFailure) {
        var rest = Substring(text)
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...]).removingPercentEncoding ?? String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let colon = rest.firstIndex(of: ":"), let first = rest.first, first.isLetter,
            rest[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) })
        {
            scheme = rest[..<colon].lowercased()
            rest = rest[rest.index(after: colon)...]
        }
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        if !scheme.isEmpty, !rest.hasPrefix("/") {
            opaque = String(rest)
            return
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = rest[..<end]
            rest = rest[end...]
            if let at = authority.lastIndex(of: "@") {
                userinfo = String(authority[..<at])
                authority = authority[authority.index(after: at)...]
            }
            host = String(authority)
        }
        guard let decoded = String(rest).removingPercentEncoding else {
            throw TemplateFailure(reason: "invalid URL escape in \(goQuoted(text))")
        }
        path = decoded
    }

    init(members: [String: JSONValue]) {
        func field(_ name: String) -> String { members[name]?.templateText ?? "" }
        (scheme, opaque, userinfo, host, path, query, fragment) =
            (field("scheme"), field("opaque"), field("userinfo"), field("host"), field("path"), field("query"), field("fragment"))
    }

    var hostname: String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return String(host[host.index(after: host.startIndex)..<close]) }
        return String(host.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    var members: [String: JSONValue] {
        ["scheme": .string(scheme), "host": .string(host), "hostname": .string(hostname), "path": .string(path),
         "query": .string(query), "opaque": .string(opaque), "fragment": .string(fragment), "userinfo": .string(userinfo)]
    }

    /// Go's `URL.String()`.
    var text: String {
        var result = scheme.isEmpty ? "" : scheme + ":"
        if !opaque.isEmpty {
            result += opaque
        } else {
            if !scheme.isEmpty || !host.isEmpty || !userinfo.isEmpty {
                if !host.isEmpty || !path.isEmpty || !userinfo.isEmpty { result += "//" }
                if !userinfo.isEmpty { result += userinfo + "@" }
                result += host
            }
            if !path.isEmpty, !path.hasPrefix("/"), !host.isEmpty { result += "/" }
            result += queryEscaped(path, spaceAsPlus: false, keep: Set("/:@!$&'()*+,;=".utf8))
        }
        if !query.isEmpty { result += "?" + query }
        if !fragment.isEmpty { result += "#" + queryEscaped(fragment, spaceAsPlus: false, keep: Set("/:@!$&'()*+,;=?".utf8)) }
        return result
    }
}
