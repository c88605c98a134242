import SwitchyardJSON

/// Every resource of a project by kind and id, wherever it was declared: the project file's
/// `tools:`, `schemas:`, `models:` and `memories:`, its workflows, and the files autoload found.
///
/// Kinds and ids are compared as compozy's `ConfigRegistry` compares them: trimmed and without
/// regard to case, so `Agent`/`agent` and `Writer`/`writer` are the same resource. Lookups are
/// what `$ref`/`$use` resolution and the schema linker use (`resource(.schema, id:)`).
public struct ResourceRegistry: Sendable {
    /// The kinds of resource a file's `resource:` may name.
    public enum Kind: String, Sendable, CaseIterable {
        /// `resource: agent` … `resource: vector_db`: compozy's resource types.
        case agent, tool, task, schema, model, memory, workflow, mcp, project
        /// `knowledge_base` (also `knowledge-base`, `knowledgebase`).
        case knowledgeBase = "knowledge_base"
        /// `embedder` (also `knowledge_embedder`).
        case embedder
        /// `vector_db` (also `vector-db`, `vectordb`, `knowledge_vector_db`).
        case vectorDB = "vector_db"

        /// The kind `name` stands for (compozy's spellings, any case), or nil.
        public init?(resourceName name: String) {
            switch name.trimmingWhitespace.lowercased() {
            case "knowledge_base", "knowledge-base", "knowledgebase": self = .knowledgeBase
            case "embedder", "knowledge_embedder": self = .embedder
            case "vector_db", "vector-db", "vectordb", "knowledge_vector_db": self = .vectorDB
            case let other: self.init(rawValue: other)
            }
        }
    }

    /// Where a resource was declared.
    public enum Origin: Sendable, Equatable {
        /// In the project file.
        case projectFile
        /// In the workflow with this id.
        case workflow(String)
        /// In a file autoload found.
        case autoload
    }

    /// One registered resource.
    public struct Entry: Sendable {
        /// Its kind.
        public var kind: Kind
        /// Its id as written.
        public var id: String
        /// The resource as written (for a schema: the schema).
        public var value: JSONValue
        /// The file that declares it.
        public var file: String
        /// Where it sits in that file (`schemas[1]`; empty for a whole resource file).
        public var path: String
        /// Where it was declared.
        public var origin: Origin

        /// Creates an entry.
        public init(kind: Kind, id: String, value: JSONValue, file: String, path: String = "", origin: Origin) {
            self.kind = kind
            self.id = id
            self.value = value
            self.file = file
            self.path = path
            self.origin = origin
        }

        /// `FILE` or `FILE: PATH`, as problems name the place of an earlier declaration.
        public var location: String { path.isEmpty ? file : "\(file): \(path)" }
    }

    private var entries: [Kind: [String: Entry]] = [:]
    private var order: [Kind: [String]] = [:]

    /// An empty registry.
    public init() {}

    /// The resource of `kind` with `id` (trimmed, any case), if registered.
    public func resource(_ kind: Kind, id: String) -> Entry? {
        entries[kind]?[Self.key(id)]
    }

    /// Every resource of `kind`, in registration order.
    public func all(_ kind: Kind) -> [Entry] {
        (order[kind] ?? []).compactMap { entries[kind]?[$0] }
    }

    /// How many resources are registered, of every kind.
    public var count: Int { entries.values.reduce(0) { $0 + $1.count } }

    /// Registers `entry` unless its kind and id are taken.
    /// - Returns: the entry already registered under that kind and id (nothing is changed), or
    ///   nil when `entry` was added.
    @discardableResult
    public mutating func register(_ entry: Entry) -> Entry? {
        let key = Self.key(entry.id)
        if let existing = entries[entry.kind]?[key] { return existing }
        entries[entry.kind, default: [:]][key] = entry
        order[entry.kind, default: []].append(key)
        return nil
    }

    /// Replaces the value of the resource of `kind` with `id` (the schema linker's linked copy);
    /// does nothing when there is none.
    public mutating func replaceValue(of kind: Kind, id: String, with value: JSONValue) {
        entries[kind]?[Self.key(id)]?.value = value
    }

    private static func key(_ id: String) -> String { id.trimmingWhitespace.lowercased() }
}
