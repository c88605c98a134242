import SwitchyardJSON

/// The tool-calling loop and the handling of final answers.
extension AgentRunner {
    static let maxIterationsMessage = "max tool iterations reached without final response"

    func converse(_ plan: AgentRunPlan, provider: any ChatProvider, meter: UsageMeter) async throws -> JSONValue {
        var messages = plan.openingMessages
        var rejectedAnswer: String?
        for iteration in 1...plan.maxIterations {
            try Task.checkCancellation()
            logger.debug("model call", metadata: ["agent": "\(plan.agentID)", "iteration": "\(iteration)"])
            let response = try await provider.complete(ChatRequest(
                messages: messages, tools: plan.descriptors, jsonMode: plan.structured,
                outputSchema: plan.outputSchema))
            meter.record(response.usage)
            messages.append(response.message)

            if !response.message.toolCalls.isEmpty {
                rejectedAnswer = nil
                let calls = response.message.toolCalls
                for (call, output) in zip(calls, try await runTools(calls, plan: plan)) {
                    messages.append(.toolResult(callID: call.id, output: output))
                }
                continue
            }

            let text = response.message.content ?? ""
            guard plan.structured else { return ["response": .string(text)] }
            switch structuredAnswer(in: text, plan: plan) {
            case .accepted(let value):
                return value.objectValue != nil ? value : ["response": value]
            case .rejected(let problem):
                rejectedAnswer = problem
                messages.append(.user(problem + "\n\n" + AgentRunPlan.formatInstruction(plan.outputSchema)))
            }
        }
        if let rejectedAnswer {
            throw AgentError(.invalidOutput,
                             "no valid final response after \(plan.maxIterations) iterations: \(rejectedAnswer)")
        }
        throw AgentError(.maxIterations, Self.maxIterationsMessage)
    }

    private enum StructuredAnswer {
        case accepted(JSONValue)
        /// The problem, phrased for the model.
        case rejected(String)
    }

    private func structuredAnswer(in text: String, plan: AgentRunPlan) -> StructuredAnswer {
        guard let value = EmbeddedJSON.firstValue(in: text) else {
            return .rejected("Your previous answer did not contain valid JSON.")
        }
        guard let schema = plan.outputSchema else { return .accepted(value) }
        let problems = schemaValidator(value, schema)
        guard problems.isEmpty else {
            return .rejected("Your previous answer did not match the output schema: "
                                + problems.joined(separator: "; "))
        }
        return .accepted(value)
    }

    /// Runs one turn's tool calls concurrently; the outputs come back in the calls' order.
    private func runTools(_ calls: [ChatToolCall], plan: AgentRunPlan) async throws -> [JSONValue] {
        if calls.count == 1 { return [try await runTool(calls[0], plan: plan)] }
        return try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for (index, call) in calls.enumerated() {
                group.addTask { (index, try await runTool(call, plan: plan)) }
            }
            var outputs = [JSONValue](repeating: .null, count: calls.count)
            for try await (index, output) in group { outputs[index] = output }
            return outputs
        }
    }

    /// Runs one tool call; every failure but cancellation becomes an `{"error": ...}` output.
    private func runTool(_ call: ChatToolCall, plan: AgentRunPlan) async throws -> JSONValue {
        guard let tool = plan.toolsByID[call.name] else {
            let known = plan.descriptors.map(\.id).joined(separator: ", ")
            return toolFailure("unknown tool '\(call.name)'; available tools: \(known.isEmpty ? "(none)" : known)")
        }
        if let raw = call.arguments.stringValue {
            return toolFailure("arguments for tool '\(call.name)' are not valid JSON: \(raw.prefix(200))")
        }
        guard call.arguments.objectValue != nil else {
            return toolFailure("arguments for tool '\(call.name)' must be a JSON object, got \(call.arguments.typeName)")
        }
        if let schema = tool.descriptor.inputSchema {
            let problems = schemaValidator(call.arguments, schema)
            if !problems.isEmpty {
                return toolFailure("invalid arguments for tool '\(call.name)': " + problems.joined(separator: "; "))
            }
        }
        logger.debug("tool call", metadata: ["agent": "\(plan.agentID)", "tool": "\(call.name)"])
        do {
            return try await tool.invoke(call.arguments)
        } catch {
            try Task.checkCancellation()
            return toolFailure("\(error)")
        }
    }

    /// The output the model sees for a failed tool call.
    private func toolFailure(_ message: String) -> JSONValue { ["error": .string(message)] }
}
