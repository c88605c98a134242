import SwitchyardJSON

extension AgentError {
    /// A config reader's refusal as `.invalidConfig`, in this module's words:
    /// `PATH: expected an object, got string`, `PATH: required string is missing`.
    init(_ problem: FieldProblem) {
        let reason: String
        switch problem.reason {
        case .missing, .empty: reason = "required string is missing"
        case .wrongType(let expected, let found): reason = "expected \(expected.jsonPhrase), got \(found.typeName)"
        case .notOneOf(_, let found, let allowed):
            reason = "expected one of \(allowed.joined(separator: ", ")), got '\(found)'"
        case .invalid(let text): reason = text
        }
        self.init(.invalidConfig, "\(problem.path): \(reason)")
    }
}

/// Runs config reads, turning the first `FieldProblem` into an `AgentError` `.invalidConfig`
/// naming the field (agent configs stop at the first problem).
func readingConfig<Value>(_ read: () throws(FieldProblem) -> Value) throws(AgentError) -> Value {
    do { return try read() } catch { throw AgentError(error) }
}
