import SwitchyardJSON

extension ToolDescriptor {
    /// Parses an adapter's `describe` JSON: an array of `{"id", "description", "input", "output"}`.
    /// - Throws: `ToolError` `.protocol` naming the entry and field that is wrong.
    package static func parseList(_ bytes: [UInt8], adapterID: String) throws(ToolError) -> [ToolDescriptor] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw ToolError(.protocol, "adapter \(adapterID): describe returned malformed JSON: \(error)")
        }
        guard case .array(let entries) = value else {
            throw ToolError(.protocol, "adapter \(adapterID): describe must return a JSON array, not \(value.typeName)")
        }
        var tools: [ToolDescriptor] = []
        tools.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            let place = "adapter \(adapterID): describe[\(index)]"
            guard case .object(let members) = entry else {
                throw ToolError(.protocol, "\(place) must be an object, not \(entry.typeName)")
            }
            guard let id = members["id"]?.stringValue, !id.isEmpty else {
                throw ToolError(.protocol, "\(place).id must be a non-empty string")
            }
            let description: String
            switch members["description"] {
            case nil, .null?: description = ""
            case .string(let text)?: description = text
            case let other?: throw ToolError(.protocol, "\(place).description must be a string, not \(other.typeName)")
            }
            tools.append(ToolDescriptor(
                id: id, description: description,
                inputSchema: members["input"].flatMap { $0.isNull ? nil : $0 },
                outputSchema: members["output"].flatMap { $0.isNull ? nil : $0 }))
        }
        return tools
    }
}
