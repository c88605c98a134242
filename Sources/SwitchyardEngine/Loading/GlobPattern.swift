/// A path pattern as compozy's autoload reads `include:` and `exclude:` (the `doublestar`
/// library's syntax), matched against `/`-separated paths relative to the project directory.
///
/// - `*` matches any run of characters within one path segment, `?` one character;
/// - `**` as a whole segment matches zero or more segments (elsewhere it is a `*`);
/// - `[abc]`, `[a-z]`, `[!a]` / `[^a]` match one character of (or not of) a class;
/// - `{a,b}` matches either alternative (alternatives may nest and hold `/`);
/// - `\` makes the next character literal.
///
/// Dot files are not special (`*` matches `.hidden`), as in doublestar.
struct GlobPattern: Sendable {
    /// Why a pattern cannot be used, e.g. an unclosed `[`.
    struct Problem: Error, Sendable, Equatable {
        /// What is wrong with the pattern.
        var reason: String
    }

    /// The pattern as written.
    let text: String
    /// The pattern with every `{…}` expanded, each split into segments.
    private let alternatives: [[Segment]]

    enum Segment: Sendable, Equatable {
        /// `**`: zero or more whole segments.
        case anyDepth
        /// One segment's worth of tokens.
        case tokens([Token])
    }

    enum Token: Sendable, Equatable {
        case literal(Character)
        case anyCharacter
        case anyRun
        case characterClass(negated: Bool, members: [ClassMember])
    }

    enum ClassMember: Sendable, Equatable {
        case character(Character)
        case range(Character, Character)
    }

    /// Parses `text`.
    /// - Throws: `Problem` for an unclosed `[` or `{`, or a trailing `\`.
    init(_ text: String) throws(Problem) {
        self.text = text
        alternatives = try Self.expandBraces(Array(text)).map { expanded throws(Problem) in
            try Self.segments(expanded)
        }
    }

    /// Whether `path` (relative, `/`-separated, no leading `/`) matches the pattern.
    func matches(_ path: String) -> Bool {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map { Array($0) }
        return alternatives.contains { Self.match($0[...], components[...]) }
    }

    /// Where a walk for this pattern can start: the leading segments of each alternative that are
    /// plain names, and whether the rest can reach any depth (`**`) or only its own segment count.
    var walkRoots: [(prefix: [String], remainingDepth: Int?)] {
        alternatives.map { segments in
            var prefix: [String] = []
            for segment in segments {
                guard case .tokens(let tokens) = segment, let name = Self.plainName(tokens) else { break }
                prefix.append(name)
            }
            let rest = segments.dropFirst(prefix.count)
            let unbounded = rest.contains(.anyDepth)
            return (prefix, unbounded ? nil : rest.count)
        }
    }

    // MARK: Matching

    private static func match(_ segments: ArraySlice<Segment>, _ components: ArraySlice<[Character]>) -> Bool {
        guard let first = segments.first else { return components.isEmpty }
        switch first {
        case .anyDepth:
            let rest = segments.dropFirst()
            // `**` takes zero, one, ... of the remaining components.
            var remaining = components
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        case .tokens(let tokens):
            guard let component = components.first, matchSegment(tokens[...], component[...]) else { return false }
            return match(segments.dropFirst(), components.dropFirst())
        }
    }

    private static func matchSegment(_ tokens: ArraySlice<Token>, _ characters: ArraySlice<Character>) -> Bool {
        guard let token = tokens.first else { return characters.isEmpty }
        switch token {
        case .anyRun:
            var remaining = characters
            while true {
                if matchSegment(tokens.dropFirst(), remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        case .anyCharacter:
            guard !characters.isEmpty else { return false }
            return matchSegment(tokens.dropFirst(), characters.dropFirst())
        case .literal(let expected):
            guard characters.first == expected else { return false }
            return matchSegment(tokens.dropFirst(), characters.dropFirst())
        case .characterClass(let negated, let members):
            guard let character = characters.first else { return false }
            let inClass = members.contains { member in
                switch member {
                case .character(let c): return c == character
                case .range(let low, let high): return low <= character && character <= high
                }
            }
            guard inClass != negated else { return false }
            return matchSegment(tokens.dropFirst(), characters.dropFirst())
        }
    }

    // MARK: Parsing

    private static func plainName(_ tokens: [Token]) -> String? {
        var name = ""
        for token in tokens {
            guard case .literal(let character) = token else { return nil }
            name.append(character)
        }
        return name.isEmpty ? nil : name
    }

    /// Every pattern `{…}` stands for, braces removed (escapes kept for the segment parser).
    private static func expandBraces(_ characters: [Character]) throws(Problem) -> [[Character]] {
        var index = 0
        while index < characters.count {
            switch characters[index] {
            case "\\": index += 2
            case "[":
                index = try classEnd(characters, from: index) + 1
            case "{":
                let (close, commas) = try braceEnd(characters, from: index)
                let prefix = Array(characters[..<index]), suffix = Array(characters[(close + 1)...])
                let bounds = [index] + commas + [close]
                var results: [[Character]] = []
                for position in 0..<(bounds.count - 1) {
                    let choice = Array(characters[(bounds[position] + 1)..<bounds[position + 1]])
                    results += try expandBraces(prefix + choice + suffix)
                }
                return results
            default: index += 1
            }
        }
        if index > characters.count { throw Problem(reason: "ends with an escaping \\") }
        return [characters]
    }

    /// The index of the `}` closing the `{` at `open`, and the top-level commas inside it.
    private static func braceEnd(_ characters: [Character], from open: Int) throws(Problem) -> (Int, [Int]) {
        var depth = 0, commas: [Int] = [], index = open
        while index < characters.count {
            switch characters[index] {
            case "\\": index += 1
            case "[": index = try classEnd(characters, from: index)
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return (index, commas) }
            case "," where depth == 1: commas.append(index)
            default: break
            }
            index += 1
        }
        throw Problem(reason: "unclosed \"{\"")
    }

    /// The index of the `]` closing the class that starts at `open`.
    private static func classEnd(_ characters: [Character], from open: Int) throws(Problem) -> Int {
        var index = open + 1
        if index < characters.count, characters[index] == "!" || characters[index] == "^" { index += 1 }
        if index < characters.count, characters[index] == "]" { index += 1 }  // a leading ] is a member
        while index < characters.count {
            if characters[index] == "\\" { index += 2; continue }
            if characters[index] == "]" { return index }
            index += 1
        }
        throw Problem(reason: "unclosed \"[\"")
    }

    private static func segments(_ characters: [Character]) throws(Problem) -> [Segment] {
        var segments: [Segment] = [], tokens: [Token] = [], index = 0
        var segmentText = ""
        func finish() {
            segments.append(segmentText == "**" ? .anyDepth : .tokens(tokens))
            tokens = []
            segmentText = ""
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "/":
                if !tokens.isEmpty || segmentText == "**" { finish() }  // `a//b` is `a/b`
                index += 1
                continue
            case "\\":
                guard index + 1 < characters.count else { throw Problem(reason: "ends with an escaping \\") }
                tokens.append(.literal(characters[index + 1]))
                segmentText += "\\" + String(characters[index + 1])
                index += 2
                continue
            case "*":
                // Consecutive stars inside a segment are one `*`.
                if tokens.last != .anyRun { tokens.append(.anyRun) }
            case "?": tokens.append(.anyCharacter)
            case "[":
                let close = try classEnd(characters, from: index)
                tokens.append(characterClass(Array(characters[(index + 1)..<close])))
                segmentText += String(characters[index...close])
                index = close + 1
                continue
            default: tokens.append(.literal(character))
            }
            segmentText.append(character)
            index += 1
        }
        if !tokens.isEmpty || segmentText == "**" { finish() }
        return segments
    }

    private static func characterClass(_ body: [Character]) -> Token {
        var index = 0, negated = false, members: [ClassMember] = []
        if let first = body.first, first == "!" || first == "^" { negated = true; index = 1 }
        while index < body.count {
            var low = body[index]
            if low == "\\", index + 1 < body.count { index += 1; low = body[index] }
            if index + 2 < body.count, body[index + 1] == "-" {
                var high = body[index + 2]
                if high == "\\", index + 3 < body.count { index += 1; high = body[index + 2] }
                members.append(.range(low, high))
                index += 3
            } else {
                members.append(.character(low))
                index += 1
            }
        }
        return .characterClass(negated: negated, members: members)
    }
}
