import FFIAdapterCore
import SwitchyardAdapterKit
import SwitchyardFFI
import SwitchyardJSON

/// One tool of an instance: its description and the C function it calls.
struct FFITool: Sendable {
    var id: String
    var description: String
    var inputSchema: JSONValue
    var function: ForeignFunction
}

/// An `ffi` adapter instance: the tools of its config, each loaded and prepared at create.
final class FFIAdapterInstance: AdapterInstance {
    let host: HostConnection
    let tools: [FFITool]
    let toolsByID: [String: FFITool]

    /// Parses and loads the instance config.
    ///
    /// ```json
    /// {"tools": [{"id": "crc32", "description": "...", "ffi": {...}, "input"?: schema}],
    ///  "allowed_directories"?: ["/opt/libs"]}
    /// ```
    /// Libraries load only from `allowed_directories` (the host passes its adapter directories)
    /// and from the system library directories (``SystemLibraryDirectories``), each checked
    /// with a `LibraryLoadPolicy` at its real path: nobody but root or this user able to replace
    /// it. A bare name (`libz.so.1`) is looked up in the system library directories and then the
    /// allowed ones, as the dynamic loader would search, and the file found is what is checked
    /// and loaded; `LD_LIBRARY_PATH` plays no part.
    /// - Throws: `FFIError` whose message names the field, e.g. `tools[1].ffi.parameters[0]: ...`.
    init(host: HostConnection, config: JSONValue) throws(FFIError) {
        self.host = host
        guard let members = config.objectValue else {
            throw FFIError(.badSignature, "config: expected an object {\"tools\": [...]}, got \(config.typeName)")
        }
        var allowedDirectories: [String] = []
        if let directories = members["allowed_directories"], !directories.isNull {
            guard let list = directories.arrayValue?.compactMap(\.stringValue),
                list.count == directories.arrayValue?.count
            else {
                throw FFIError(.badSignature, "allowed_directories: expected an array of directory paths")
            }
            allowedDirectories = list
        }
        let loading = FFILibraryLocations(adapterDirectories: allowedDirectories)

        var tools: [FFITool] = []
        var toolsByID: [String: FFITool] = [:]
        let entries: [JSONValue]
        switch members["tools"] {
        case nil, .null?: entries = []
        case .array(let list)?: entries = list
        case let other?: throw FFIError(.badSignature, "tools: expected an array of tools, got \(other.typeName)")
        }
        for (index, entry) in entries.enumerated() {
            let tool = try Self.parseTool(entry, at: "tools[\(index)]", loading: loading)
            guard toolsByID[tool.id] == nil else {
                throw FFIError(.badSignature, "tools[\(index)].id: duplicate tool id \"\(tool.id)\"")
            }
            toolsByID[tool.id] = tool
            tools.append(tool)
        }
        self.tools = tools
        self.toolsByID = toolsByID
    }

    private static func parseTool(_ json: JSONValue, at path: String, loading: FFILibraryLocations)
        throws(FFIError) -> FFITool
    {
        guard let members = json.objectValue else {
            throw FFIError(.badSignature, "\(path): expected an object {id, description, ffi}, got \(json.typeName)")
        }
        guard let id = members["id"]?.stringValue, !id.isEmpty else {
            throw FFIError(.badSignature, "\(path).id: expected a non-empty string")
        }
        let description = members["description"]?.stringValue ?? ""
        guard let ffi = members["ffi"] else {
            throw FFIError(.badSignature, "\(path).ffi: missing (expected {library, symbol, parameters, result})")
        }
        let signature = try FFISignature(parsing: ffi, at: "\(path).ffi")
        let function: ForeignFunction
        do {
            let library = try loading.path(of: signature.library)
            function = try ForeignFunction(signature, libraryPath: library, policy: loading.policy)
        } catch {
            let field = error.code == .symbolNotFound ? "symbol" : error.code == .prepareFailed ? "" : "library"
            throw FFIError(error.code, "\(path).ffi\(field.isEmpty ? "" : ".")\(field) (tool \"\(id)\"): \(error.message)")
        }
        let inputSchema: JSONValue
        switch members["input"] {
        case nil, .null?: inputSchema = signature.inputSchema
        case .object(let schema)?: inputSchema = .object(schema)
        case let other?: throw FFIError(.badSignature, "\(path).input: expected a JSON Schema object, got \(other.typeName)")
        }
        return FFITool(id: id, description: description, inputSchema: inputSchema, function: function)
    }

    /// `describe`'s JSON: `[{"id", "description", "input", "output"}]`.
    var descriptors: JSONValue {
        .array(tools.map { tool in
            [
                "id": .string(tool.id), "description": .string(tool.description),
                "input": tool.inputSchema, "output": tool.function.signature.outputSchema,
            ]
        })
    }
}
