import SwitchyardJSON

/// The functions templates may call: Go's builtins and the sprig subset compozy projects use.
/// Names are resolved when the template is parsed, so a typo fails validation, not a run.
enum TemplateFunction: String, Sendable, CaseIterable {
    // Missing-tolerant: an argument that does not exist counts as empty instead of failing.
    case `default`, empty, and, or, not, coalesce
    // Go builtins.
    case index, len, eq, ne, lt, gt, le, ge, printf, print, println
    // Encoding and conversion.
    case toJson, fromJson, toString, toInt, int, float64, toFloat
    // Strings.
    case upper, lower, trim, trimPrefix, trimSuffix, quote, squote, join, contains, hasPrefix,
        hasSuffix, replace, splitList, `repeat`
    // Numbers.
    case add, sub, mul, div, mod
    // Collections and choice.
    case ternary, list, dict, keys, hasKey, first, last
    // The rest of sprig's text functions (and Go's html/js/urlquery), one family a file:
    // TemplateFunction+Strings.swift, +Math, +Defaults, +Lists, +Dicts, +Encoding, +Regex,
    // +Dates, +Paths (paths, URLs, environment, semver). docs/TEMPLATE-FUNCTIONS.md lists them.
    case abbrev, abbrevboth, trunc, title, untitle, substr, trimall, trimAll, nospace, initials,
        swapcase, shuffle, snakecase, camelcase, kebabcase, wrap, wrapWith, cat, indent, nindent,
        plural, split, splitn, toStrings, sortAlpha, hello, randAlphaNum, randAlpha, randAscii,
        randNumeric, html, js, urlquery
    case atoi, int64, seq, toDecimal, until, untilStep, add1, add1f, addf, subf, divf, mulf,
        biggest, max, min, maxf, minf, ceil, floor, round, randInt
    case all, `any`, compact, mustCompact, toPrettyJson, toRawJson, mustFromJson, mustToJson,
        mustToPrettyJson, mustToRawJson, deepCopy, mustDeepCopy, fail, typeOf, typeIs, typeIsLike,
        kindOf, kindIs, deepEqual
    case tuple, append, push, mustAppend, mustPush, prepend, mustPrepend, mustFirst, rest, mustRest,
        mustLast, initial, mustInitial, reverse, mustReverse, uniq, mustUniq, without, mustWithout,
        has, mustHas, slice, mustSlice, concat, chunk, mustChunk
    case get, set, unset, pluck, pick, omit, merge, mergeOverwrite, mustMerge, mustMergeOverwrite,
        values, dig
    case b64enc, b64dec, b32enc, b32dec, sha1sum, sha256sum, sha512sum, adler32sum, uuidv4, randBytes
    case regexMatch, mustRegexMatch, regexFindAll, mustRegexFindAll, regexFind, mustRegexFind,
        regexReplaceAll, mustRegexReplaceAll, regexReplaceAllLiteral, mustRegexReplaceAllLiteral,
        regexSplit, mustRegexSplit, regexQuoteMeta
    case ago, date, date_in_zone, dateInZone, date_modify, dateModify, must_date_modify,
        mustDateModify, duration, durationRound, htmlDate, htmlDateInZone, mustToDate, now, toDate,
        unixEpoch
    case base, dir, clean, ext, isAbs, osBase, osClean, osDir, osExt, osIsAbs, urlParse, urlJoin,
        env, expandenv, semver, semverCompare

    /// Looks a name up when a template is parsed: one hash lookup, where the synthesized
    /// `init(rawValue:)` compares the name with every case in turn.
    static func named(_ name: String) -> TemplateFunction? { byName[name] }

    private static let byName: [String: TemplateFunction] =
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    /// Functions whose arguments may be missing: `default`, `empty`, `coalesce` and the logic
    /// functions, so `{{ .input.name | default "x" }}` works when `name` is absent.
    var toleratesMissing: Bool {
        switch self {
        case .default, .empty, .and, .or, .not, .coalesce: return true
        default: return false
        }
    }
}
