import SwitchyardJSON

/// Checks a workflow input against its `config.input` JSON Schema, with paths rooted at `input`.
public enum InputSchemaValidator {
    /// Every way `value` fails `schema`, each naming its place (`input.count: ...`).
    public static func problems(in value: JSONValue, schema: JSONValue, at path: String = "input") -> [String] {
        JSONSchemaValidator.errors(in: value, against: schema, at: path)
    }
}
