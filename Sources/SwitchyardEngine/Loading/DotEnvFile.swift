import Foundation

/// The project's `.env` file, read as compozy reads it (`core.NewEnvFromFile`, which uses
/// `joho/godotenv`): `KEY=VALUE` or `KEY: VALUE` lines, an optional `export ` prefix, `#`
/// comments (whole lines, and after an unquoted value), single-quoted values taken literally,
/// double-quoted values with `\n`, `\t`, `\"`, `\\` escapes, and `$NAME` / `${NAME}` expanded
/// (in double-quoted and unquoted values) from the keys above it, then the process environment.
enum DotEnvFile {
    /// The variables of `text` (from `file`, for errors).
    /// - Throws: `ConfigError` at `line N` for a line that is not an assignment.
    static func parse(_ text: String, file: String, environment: [String: String] = [:]) throws(ConfigError)
        -> [String: String] {
        var values: [String: String] = [:]
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)[...]
        var number = 0
        while let line = lines.popFirst() {
            number += 1
            var body = line.trimmingWhitespace
            if body.isEmpty || body.hasPrefix("#") { continue }
            if body.hasPrefix("export ") { body = String(body.dropFirst("export ".count)).trimmingWhitespace }
            guard let separator = body.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw ConfigError(file: file, path: "line \(number)", reason: "expected KEY=VALUE")
            }
            let key = String(body[..<separator]).trimmingWhitespace
            guard !key.isEmpty, !key.contains(" ") else {
                throw ConfigError(file: file, path: "line \(number)", reason: "\"\(key)\" is not a variable name")
            }
            var raw = String(body[body.index(after: separator)...]).trimmingWhitespace
            // A quoted value may span lines until its closing quote.
            if let quote = raw.first, quote == "\"" || quote == "'" {
                while !closes(raw, quote), let next = lines.popFirst() {
                    number += 1
                    raw += "\n" + next
                }
            }
            values[key] = try value(raw, file: file, line: number) { name in values[name] ?? environment[name] ?? "" }
        }
        return values
    }

    private static func closes(_ raw: String, _ quote: Character) -> Bool {
        guard raw.count >= 2 else { return false }
        var escaped = false
        for character in raw.dropFirst() {
            if escaped { escaped = false; continue }
            if character == "\\" && quote == "\"" { escaped = true; continue }
            if character == quote { return true }
        }
        return false
    }

    private static func value(_ raw: String, file: String, line: Int, lookup: (String) -> String) throws(ConfigError)
        -> String {
        guard let quote = raw.first, quote == "\"" || quote == "'" else {
            var unquoted = raw
            if let comment = unquoted.range(of: " #") { unquoted = String(unquoted[..<comment.lowerBound]) }
            return expand(unquoted.trimmingWhitespace, lookup)
        }
        var result = "", escaped = false, closed = false
        for character in raw.dropFirst() {
            if closed { break }
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                default: result.append(character)
                }
                escaped = false
            } else if quote == "\"" && character == "\\" {
                escaped = true
            } else if character == quote {
                closed = true
            } else {
                result.append(character)
            }
        }
        guard closed else { throw ConfigError(file: file, path: "line \(line)", reason: "unterminated quoted value") }
        return quote == "'" ? result : expand(result, lookup)
    }

    /// `$NAME` and `${NAME}` replaced by `lookup(NAME)`; `\$` keeps a dollar sign.
    private static func expand(_ text: String, _ lookup: (String) -> String) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            guard character == "$", let next = characters.first else {
                result.append(character)
                continue
            }
            var name = ""
            if next == "{" {
                characters.removeFirst()
                while let inner = characters.popFirst(), inner != "}" { name.append(inner) }
            } else {
                while let inner = characters.first, inner.isLetter || inner.isNumber || inner == "_" {
                    name.append(inner)
                    characters.removeFirst()
                }
                if name.isEmpty { result.append("$"); continue }
            }
            result += lookup(name)
        }
        return result
    }

    /// The environment layer under the project's `env:`: the `.env` file in `directory`
    /// (absent: nothing), where a variable the process also exports takes the exported value
    /// (godotenv's `Load` never overrides the environment), plus every exported variable the
    /// project's files name as `.env.NAME`, so `api_key: "{{ .env.OPENAI_API_KEY }}"` works
    /// with the key exported or in `.env`, and nothing else of the process environment reaches
    /// templates or tools.
    static func layer(directory: String, files: [String], environment: [String: String]) throws(ConfigError)
        -> [String: String] {
        let path = (directory as NSString).appendingPathComponent(".env")
        var layer: [String: String] = [:]
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            layer = try parse(text, file: path, environment: environment)
        }
        for name in layer.keys { if let exported = environment[name] { layer[name] = exported } }
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            for name in referencedNames(text) { if let exported = environment[name] { layer[name] = exported } }
        }
        return layer
    }

    /// The NAMEs of `.env.NAME` in `text`.
    static func referencedNames(_ text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = text[...]
        while let found = rest.range(of: ".env.") {
            rest = rest[found.upperBound...]
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty { names.insert(String(name)) }
        }
        return names
    }
}

extension DotEnvFile {
    /// Puts `layer` under `project.env` (the project's own `env:` wins); a malformed `.env`
    /// is returned as the problem.
    static func apply(to project: inout ProjectConfig, projectFile: String,
                      environment: [String: String] = ProcessInfo.processInfo.environment) -> [ConfigError] {
        do {
            let layer = try layer(directory: project.directory, files: [projectFile] + project.workflows.map(\.file),
                                  environment: environment)
            // Names the loader refuses in `env:` (LD_PRELOAD, NODE_OPTIONS, …) are left out here too.
            let allowed = layer.filter { EnvironmentDeclarationRules.problem(name: $0.key) == nil }
            project.env = allowed.merging(project.env) { _, declared in declared }
            project.secrets = allowed.compactMap { name, value in
                SecretRedactor.namesSecret(name) && project.env[name] == value ? value : nil
            }
            return []
        } catch {
            return [error]
        }
    }
}
