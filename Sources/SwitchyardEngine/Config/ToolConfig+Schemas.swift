import SwitchyardJSON
import SwitchyardRuntime

extension ToolConfig {
    /// Checks a call's input against the tool's `input:` schema (when it declares one) before the
    /// call, as compozy's `tool.Config.ValidateInput` does.
    /// - Throws: `ToolError` `invalid_input` naming the tool and every field that fails
    ///   (`input.text: expected string, found number`); the call is never started.
    public func checkInput(_ input: JSONValue) throws(ToolError) {
        guard let schema = self.input else { return }
        let problems = JSONSchemaValidator.errors(in: input, against: schema, at: "input")
        guard !problems.isEmpty else { return }
        throw ToolError(.invalidInput, "input does not match the tool's input schema: "
                        + problems.joined(separator: "; "), toolID: id)
    }

    /// Checks a call's result against the tool's `output:` schema (when it declares one), as
    /// compozy's `ValidateOutput` does after the call.
    /// - Throws: `ToolError` `tool_error` naming the tool and every field that fails
    ///   (`output.count: ...`): the tool answered, but not with what it promised.
    public func checkOutput(_ output: JSONValue) throws(ToolError) {
        guard let schema = self.output else { return }
        let problems = JSONSchemaValidator.errors(in: output, against: schema, at: "output")
        guard !problems.isEmpty else { return }
        throw ToolError(.toolError, "output does not match the tool's output schema: "
                        + problems.joined(separator: "; "), toolID: id)
    }
}
