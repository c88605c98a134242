import SwitchyardJSON
import SwitchyardRuntime

extension ToolConfig {
    /// Checks a call's input against the tool's `input:` schema (when it declares one) before the
    /// call, as compozy's `tool.Config.ValidateInput` does.
    /// - Throws: `ToolError` `invalid_input` naming every field that fails
    ///   (`input.text: expected string, found number`); the call is never started.
    public func checkInput(_ input: JSONValue) throws(ToolError) {
        try check(input, against: self.input, as: "input", failing: .invalidInput)
    }

    /// Checks a call's result against the tool's `output:` schema (when it declares one), as
    /// compozy's `ValidateOutput` does after the call.
    /// - Throws: `ToolError` `tool_error` naming every field that fails (`output.count: ...`):
    ///   the tool answered, but not with what it promised.
    public func checkOutput(_ output: JSONValue) throws(ToolError) {
        try check(output, against: self.output, as: "output", failing: .toolError)
    }

    private func check(_ value: JSONValue, against schema: JSONValue?, as root: String,
                       failing kind: ToolError.Kind) throws(ToolError) {
        guard let schema else { return }
        let problems = JSONSchemaValidator.errors(in: value, against: schema, at: root)
        guard !problems.isEmpty else { return }
        throw ToolError(kind, "\(root) does not match the tool's \(root) schema: " + problems.joined(separator: "; "),
                        toolID: id)
    }
}
