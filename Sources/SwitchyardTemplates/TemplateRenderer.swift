import SwitchyardJSON
import Synchronization

/// Renders and checks the templates inside JSON documents (task `with`, `outputs`, …).
public enum TemplateRenderer {
    /// Parsed templates by source text, shared process-wide so a template in a loop or a
    /// collection parses once. Bounded: when full it starts over rather than grow without limit.
    private static let cache = Mutex<[String: Template]>([:])
    private static let cacheCapacity = 4096

    /// Renders every string inside `value` with typed results: object values and array
    /// elements recursively, and object keys containing `{{` (rendered to text). Strings without
    /// `{{` are returned untouched.
    /// - Throws: `TemplateError` whose `path` locates the string (`with.name`, `items[2]`).
    public static func render(_ value: JSONValue, context: JSONValue) throws(TemplateError) -> JSONValue {
        try render(value, context: context, path: nil)
    }

    /// Syntax-checks every template string inside `value` (keys too).
    /// - Parameter path: where `value` sits in its document, e.g. `tasks[2].with`.
    /// - Returns: one error per bad template, each with the full path (`tasks[2].with.name`).
    public static func validate(_ value: JSONValue, at path: String) -> [TemplateError] {
        var errors: [TemplateError] = []
        collectErrors(value, path: path, into: &errors)
        return errors
    }

    /// How many parsed templates the cache holds (tests check the bound).
    static var cachedTemplateCount: Int { cache.withLock { $0.count } }

    /// The parsed template for `source`, from the cache when seen before.
    static func template(for source: String) throws(TemplateError) -> Template {
        if let cached = cache.withLock({ $0[source] }) { return cached }
        let parsed = try Template(parsing: source)
        cache.withLock { entries in
            if entries.count >= cacheCapacity { entries.removeAll(keepingCapacity: true) }
            entries[source] = parsed
        }
        return parsed
    }

    private static func render(_ value: JSONValue, context: JSONValue, path: String?) throws(TemplateError)
        -> JSONValue
    {
        switch value {
        case .string(let text):
            guard text.contains("{{") else { return value }
            do {
                return try template(for: text).render(context)
            } catch {
                throw error.located(at: path)
            }
        case .array(let elements):
            var rendered: [JSONValue] = []
            rendered.reserveCapacity(elements.count)
            for (position, element) in elements.enumerated() {
                rendered.append(try render(element, context: context, path: "\(path ?? "")[\(position)]"))
            }
            return .array(rendered)
        case .object(let members):
            var rendered: [String: JSONValue] = [:]
            rendered.reserveCapacity(members.count)
            for (key, member) in members {
                let memberPath = join(path, key)
                var renderedKey = key
                if key.contains("{{") {
                    do {
                        renderedKey = try template(for: key).renderText(context)
                    } catch {
                        throw error.located(at: memberPath)
                    }
                }
                rendered[renderedKey] = try render(member, context: context, path: memberPath)
            }
            return .object(rendered)
        default:
            return value
        }
    }

    private static func collectErrors(_ value: JSONValue, path: String, into errors: inout [TemplateError]) {
        switch value {
        case .string(let text):
            guard text.contains("{{") else { return }
            do {
                _ = try template(for: text)
            } catch {
                errors.append(error.located(at: path))
            }
        case .array(let elements):
            for (position, element) in elements.enumerated() {
                collectErrors(element, path: "\(path)[\(position)]", into: &errors)
            }
        case .object(let members):
            for key in members.keys.sorted() {
                let memberPath = join(path, key)
                if key.contains("{{") {
                    do {
                        _ = try template(for: key)
                    } catch {
                        errors.append(error.located(at: memberPath))
                    }
                }
                collectErrors(members[key]!, path: memberPath, into: &errors)
            }
        default:
            return
        }
    }

    private static func join(_ path: String?, _ key: String) -> String {
        guard let path, !path.isEmpty else { return key }
        return "\(path).\(key)"
    }
}
