import Foundation
import SwitchyardJSON

extension ReferenceResolver {
    /// The value of `scope::path`, itself evaluated with `scope::path` added to the chain.
    mutating func lookUp(_ scope: String, _ path: String, label: String, at site: String, chain: [String],
                         frame: Frame) throws(Failure) -> JSONValue {
        let key = "\(scope)::\(path)"
        let links = try enter(key, label: label, at: site, chain: chain)
        let found: JSONValue
        do {
            switch scope {
            case "local": found = try value(at: path, in: frame.local, scope: "local")
            case "global": found = try value(at: path, in: global, scope: "global")
            default: found = try resource(path)
            }
        } catch {
            throw Failure(path: site, reason: "\(label): \(error.reason)\(Self.describe(links))")
        }
        return try evaluate(found, at: site, inReference: true, chain: links, frame: frame)
    }

    /// The value an earlier-form reference names, evaluated in the file it comes from.
    mutating func legacyLookUp(file: String?, global isGlobal: Bool, path: ReferenceSyntax.Path, label: String,
                               at site: String, chain: [String], frame: Frame) throws(Failure) -> JSONValue {
        var target = frame
        var source = isGlobal ? "$global" : "local"
        if let file {
            let directory = (frame.file as NSString).deletingLastPathComponent
            let absolute = ((file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)) as NSString)
                .standardizingPath
            target = Frame(local: nil, file: absolute)
            source = "file:" + absolute
        }
        let pathText: String
        switch path {
        case .gjson(let text): pathText = text
        case .pointer(let pointer): pathText = "#" + pointer
        }
        let links = try enter("\(source)::\(pathText)", label: label, at: site, chain: chain)
        let found: JSONValue
        do throws(DirectiveFailure) {
            if file != nil { target.local = try document(target.file) }
            let root = isGlobal ? global : target.local
            switch path {
            case .gjson(let text) where text.isEmpty:
                guard let root else { throw DirectiveFailure("the document is empty") }
                found = root
            case .gjson(let text):
                found = try value(at: text, in: root, scope: isGlobal ? "global" : "the document")
            case .pointer(let pointer):
                guard let value = root.flatMap(GJSONPath(components: ReferenceSyntax.pointerComponents(pointer)).value) else {
                    throw DirectiveFailure("JSON pointer #\(pointer) not found")
                }
                found = value
            }
        } catch {
            throw Failure(path: site, reason: "\(label): \(error.reason)\(Self.describe(links))")
        }
        return try evaluate(found, at: site, inReference: true, chain: links, frame: target)
    }

    /// `chain` with `key` added, or a cycle error when `key` is already in it.
    private func enter(_ key: String, label: String, at site: String, chain: [String]) throws(Failure) -> [String] {
        let links = chain + [key]
        if chain.contains(key) {
            throw Failure(path: site, reason: "\(label): cyclic reference detected at \(key)\(Self.describe(links))")
        }
        return links
    }

    /// ` (chain: a → b → c)` when more than one reference led here.
    static func describe(_ links: [String]) -> String {
        links.count > 1 ? " (chain: \(links.joined(separator: " → ")))" : ""
    }

    private func value(at path: String, in root: JSONValue?, scope: String) throws(DirectiveFailure) -> JSONValue {
        guard let root else { throw DirectiveFailure("\(scope) scope is not configured") }
        let parsed: GJSONPath
        do { parsed = try GJSONPath(path) } catch { throw DirectiveFailure("invalid path \(path): \(error.reason)") }
        guard let found = parsed.value(in: root) else { throw DirectiveFailure("path \(path) not found in \(scope) scope") }
        return found
    }

    /// `TYPE::SELECTOR` from the resource lookup.
    private func resource(_ path: String) throws(DirectiveFailure) -> JSONValue {
        let parts = path.components(separatedBy: "::")
        guard parts.count == 2 else {
            throw DirectiveFailure("invalid resource path format: \(path), expected <type>::<selector>")
        }
        let type = parts[0].trimmingWhitespace, selector = parts[1].trimmingWhitespace
        guard !type.isEmpty, !selector.isEmpty else {
            throw DirectiveFailure("invalid resource path format: \(path), expected <type>::<selector>")
        }
        guard let resources else {
            throw DirectiveFailure("resource:: needs autoload (no resource registry where this document is loaded)")
        }
        return try resources(type, selector)
    }

    /// The parsed YAML of `file`, read once per resolver.
    private mutating func document(_ file: String) throws(DirectiveFailure) -> JSONValue {
        if let cached = files[file] { return cached }
        do {
            let parsed = try YAMLDocument.load(file: file)
            files[file] = parsed
            return parsed
        } catch {
            throw DirectiveFailure(error.description)
        }
    }
}
