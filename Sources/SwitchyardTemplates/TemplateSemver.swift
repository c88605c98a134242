import SwitchyardJSON

/// A semantic version as Masterminds/semver (sprig's `semver`) reads it: an optional `v`, one to
/// three numbers, then `-prerelease` and `+metadata`.
struct SemanticVersion: Comparable {
    var major: Int64, minor: Int64, patch: Int64
    var prerelease: String, metadata: String, original: String

    init(parsing text: String) throws(TemplateFailure) {
        var rest = Substring(text.hasPrefix("v") ? String(text.dropFirst()) : text)
        original = text
        metadata = ""
        prerelease = ""
        if let plus = rest.firstIndex(of: "+") {
            metadata = String(rest[rest.index(after: plus)...])
            rest = rest[..<plus]
        }
        if let dash = rest.firstIndex(of: "-") {
            prerelease = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
        }
        let numbers = rest.split(separator: ".", omittingEmptySubsequences: false)
        let identifiers = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
        guard (1...3).contains(numbers.count), numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
            prerelease.allSatisfy(identifiers.contains), metadata.allSatisfy(identifiers.contains),
            text.contains("-") == false || !prerelease.isEmpty
        else {
            throw TemplateFailure(reason: "invalid semantic version \(goQuoted(text))")
        }
        let parts = numbers.map { Int64($0) ?? 0 } + [0, 0]
        (major, minor, patch) = (parts[0], parts[1], parts[2])
    }

    init(_ major: Int64, _ minor: Int64, _ patch: Int64, prerelease: String = "") {
        (self.major, self.minor, self.patch, self.prerelease, metadata, original) = (major, minor, patch, prerelease, "", "")
    }

    /// The fields sprig's `*semver.Version` methods give (`(semver "1.2.3").Major`).
    var members: [String: JSONValue] {
        ["Major": .int(major), "Minor": .int(minor), "Patch": .int(patch), "Prerelease": .string(prerelease),
         "Metadata": .string(metadata), "Original": .string(original)]
    }

    /// SemVer 2.0 precedence: numbers, then a release above its prereleases, identifiers compared
    /// numerically when both are numbers, else by text.
    static func < (left: SemanticVersion, right: SemanticVersion) -> Bool {
        if (left.major, left.minor, left.patch) != (right.major, right.minor, right.patch) {
            return (left.major, left.minor, left.patch) < (right.major, right.minor, right.patch)
        }
        if left.prerelease.isEmpty || right.prerelease.isEmpty { return !left.prerelease.isEmpty && right.prerelease.isEmpty }
        let (a, b) = (left.prerelease.split(separator: "."), right.prerelease.split(separator: "."))
        for (x, y) in zip(a, b) where x != y {
            switch (Int64(x), Int64(y)) {
            case let (p?, q?): return p < q
            case (_?, nil): return true
            case (nil, _?): return false
            default: return x < y
            }
        }
        return a.count < b.count
    }

    static func == (left: SemanticVersion, right: SemanticVersion) -> Bool {
        !(left < right) && !(right < left)
    }
}

/// A Masterminds/semver constraint (`semverCompare`): `||` between alternatives, `,` or spaces
/// between terms that must all hold; terms `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>`, `^`,
/// wildcards (`1.2.x`, `*`), partial versions (`1.2` is `1.2.x`) and ranges (`1.2 - 1.4.5`). A
/// prerelease version satisfies only terms that name a prerelease, as in Masterminds/semver.
struct SemanticVersionConstraint {
    /// Alternatives of terms: each term is a check on a version.
    private var alternatives: [[(SemanticVersion) -> Bool]] = []
    private var namesPrerelease = false

    init(parsing text: String) throws(TemplateFailure) {
        for alternative in text.components(separatedBy: "||") {
            var words = alternative.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
            // Join an operator written apart from its version (`>= 1.2`) and expand `A - B`.
            var terms: [(SemanticVersion) -> Bool] = []
            var index = 0
            while index < words.count {
                if ["=", "!=", ">", "<", ">=", "<=", "=>", "=<", "~", "~>", "^"].contains(words[index]), index + 1 < words.count {
                    words[index + 1] = words[index] + words[index + 1]
                    index += 1
                    continue
                }
                if index + 2 < words.count, words[index + 1] == "-" {
                    let low = try Self.bounds(words[index]), high = try Self.bounds(words[index + 2])
                    terms.append { $0 >= low.lower && $0 < high.upper }
                    index += 3
                    continue
                }
                terms.append(try term(words[index]))
                index += 1
            }
            guard !terms.isEmpty else { throw TemplateFailure(reason: "invalid constraint \(goQuoted(text))") }
            alternatives.append(terms)
        }
    }

    func isSatisfied(by version: SemanticVersion) -> Bool {
        if !version.prerelease.isEmpty, !namesPrerelease { return false }
        return alternatives.contains { $0.allSatisfy { $0(version) } }
    }

    /// The versions a partial or wildcard version covers: `[lower, upper)`.
    private static func bounds(_ text: String) throws(TemplateFailure) -> (lower: SemanticVersion, upper: SemanticVersion, exact: Bool) {
        let trimmed = text.hasPrefix("v") ? String(text.dropFirst()) : text
        if trimmed == "*" || trimmed.lowercased() == "x" || trimmed.isEmpty {
            return (SemanticVersion(0, 0, 0, prerelease: ""), SemanticVersion(Int64.max, 0, 0), false)
        }
        var core = trimmed
        var suffix = ""
        if let cut = trimmed.firstIndex(where: { $0 == "-" || $0 == "+" }) {
            core = String(trimmed[..<cut])
            suffix = String(trimmed[cut...])
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let known = parts.prefix { !["x", "X", "*"].contains($0) }
        guard (1...3).contains(parts.count), !known.isEmpty || parts.count > 0 else {
            throw TemplateFailure(reason: "invalid constraint version \(goQuoted(text))")
        }
        if known.count == 3 {
            let version = try SemanticVersion(parsing: core + suffix)
            return (version, SemanticVersion(version.major, version.minor, version.patch &+ 1), true)
        }
        let numbers = try known.map { (part: String) throws(TemplateFailure) -> Int64 in
            guard let number = Int64(part) else { throw TemplateFailure(reason: "invalid constraint version \(goQuoted(text))") }
            return number
        }
        switch numbers.count {
        case 0: return (SemanticVersion(0, 0, 0), SemanticVersion(Int64.max, 0, 0), false)
        case 1: return (SemanticVersion(numbers[0], 0, 0), SemanticVersion(numbers[0] &+ 1, 0, 0), false)
        default: return (SemanticVersion(numbers[0], numbers[1], 0), SemanticVersion(numbers[0], numbers[1] &+ 1, 0), false)
        }
    }

    private mutating func term(_ word: String) throws(TemplateFailure) -> (SemanticVersion) -> Bool {
        let operators = [">=", "=>", "<=", "=<", "!=", "~>", ">", "<", "=", "~", "^"]
        let op = operators.first { word.hasPrefix($0) } ?? ""
        let operand = String(word.dropFirst(op.count))
        if operand.contains("-") { namesPrerelease = true }
        let range = try Self.bounds(operand)
        let (lower, upper) = (range.lower, range.upper)
        switch op {
        case "", "=": return range.exact ? { $0 == lower } : { $0 >= lower && $0 < upper }
        case "!=": return range.exact ? { $0 != lower } : { $0 < lower || $0 >= upper }
        case ">": return range.exact ? { $0 > lower } : { $0 >= upper }
        case ">=", "=>": return { $0 >= lower }
        case "<": return { $0 < lower }
        case "<=", "=<": return range.exact ? { $0 <= lower } : { $0 < upper }
        case "~", "~>":
            let ceiling = operand.split(separator: ".").count == 1
                ? SemanticVersion(lower.major &+ 1, 0, 0) : SemanticVersion(lower.major, lower.minor &+ 1, 0)
            return { $0 >= lower && $0 < ceiling }
        default:  // "^": the leftmost non-zero part stays
            let given = operand.split(separator: ".").prefix { !["x", "X", "*"].contains($0) }.count
            let ceiling: SemanticVersion
            if lower.major > 0 || given == 1 { ceiling = SemanticVersion(lower.major &+ 1, 0, 0) }
            else if lower.minor > 0 || given == 2 { ceiling = SemanticVersion(0, lower.minor &+ 1, 0) }
            else { ceiling = SemanticVersion(0, 0, lower.patch &+ 1) }
            return { $0 >= lower && $0 < ceiling }
        }
    }
}
