import Synchronization
import SwitchyardJSON
import SwitchyardRuntime

/// What one agent run produced: its output and the tokens its model calls used.
public struct AgentRunResult: Sendable {
    /// `{"response": text}` or the validated structured answer.
    public var output: JSONValue
    /// The tokens used, one entry for the run's provider/model (empty when the provider reported
    /// none).
    public var usage: UsageSummary

    /// Creates a result.
    public init(output: JSONValue, usage: UsageSummary) {
        self.output = output
        self.usage = usage
    }
}

/// Sums the usage of one run's model calls as they answer, so a run that fails or times out
/// still reports what its earlier calls used.
final class UsageMeter: Sendable {
    private let provider: String
    private let model: String
    private let agentID: String
    private let total = Mutex(UsageSummary())

    init(provider: String, model: String, agentID: String) {
        self.provider = provider
        self.model = model
        self.agentID = agentID
    }

    /// Adds one call's usage; nothing when the provider reported none.
    func record(_ usage: TokenUsage?) {
        guard let usage else { return }
        let entry = UsageEntry(provider: provider, model: model, tokens: usage, agentIDs: [agentID])
        total.withLock { $0.add(entry) }
    }

    /// The usage so far.
    var summary: UsageSummary { total.withLock { $0 } }
}
