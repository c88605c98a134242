import SwitchyardJSON

/// The tokens one model call used, as the provider reported them.
public struct TokenUsage: Sendable, Hashable {
    /// Tokens of the request (`prompt_tokens`; Anthropic's `input_tokens`).
    public var promptTokens: Int
    /// Tokens of the answer (`completion_tokens`; Anthropic's `output_tokens`).
    public var completionTokens: Int
    /// Their total (`total_tokens`, else the sum).
    public var totalTokens: Int
    /// Reasoning tokens inside `completionTokens`, when the provider says.
    public var reasoningTokens: Int?
    /// Prompt tokens served from the provider's cache, when it says.
    public var cachedPromptTokens: Int?

    /// Creates a usage record; `totalTokens` defaults to the sum.
    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil,
                reasoningTokens: Int? = nil, cachedPromptTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
        self.reasoningTokens = reasoningTokens
        self.cachedPromptTokens = cachedPromptTokens
    }
}

/// One line of compozy's `usage` array: the tokens used with one provider/model pair.
///
/// Its JSON is compozy's `usage.Entry`: `provider`, `model`, `prompt_tokens`,
/// `completion_tokens`, `total_tokens`, and when known `reasoning_tokens`,
/// `cached_prompt_tokens`, `agent_ids` and `source` (`task` or `workflow`).
public struct UsageEntry: Sendable, Hashable {
    /// The provider name (`openai`, `anthropic`, ...).
    public var provider: String
    /// The model name.
    public var model: String
    /// The tokens used.
    public var tokens: TokenUsage
    /// The agents that made the calls, sorted, without repeats.
    public var agentIDs: [String]
    /// `task` or `workflow` once the engine files it; `nil` as the runner returns it.
    public var source: String?

    /// Creates an entry.
    public init(provider: String, model: String, tokens: TokenUsage, agentIDs: [String] = [], source: String? = nil) {
        self.provider = provider
        self.model = model
        self.tokens = tokens
        self.agentIDs = Array(Set(agentIDs)).sorted()
        self.source = source
    }

    /// The entry in compozy's JSON shape.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "provider": .string(provider), "model": .string(model),
            "prompt_tokens": .int(Int64(tokens.promptTokens)), "completion_tokens": .int(Int64(tokens.completionTokens)),
            "total_tokens": .int(Int64(tokens.totalTokens)),
        ]
        if let reasoning = tokens.reasoningTokens { object["reasoning_tokens"] = .int(Int64(reasoning)) }
        if let cached = tokens.cachedPromptTokens { object["cached_prompt_tokens"] = .int(Int64(cached)) }
        if !agentIDs.isEmpty { object["agent_ids"] = .array(agentIDs.map(JSONValue.string)) }
        if let source { object["source"] = .string(source) }
        return .object(object)
    }

    /// Reads an entry written by `json`; `nil` when `json` is not one.
    public init?(json: JSONValue) {
        guard let provider = json["provider"]?.stringValue, let model = json["model"]?.stringValue else { return nil }
        let int = { (key: String) in json[key]?.intValue.map { Int($0) } }
        self.init(provider: provider, model: model,
                  tokens: TokenUsage(promptTokens: int("prompt_tokens") ?? 0,
                                     completionTokens: int("completion_tokens") ?? 0,
                                     totalTokens: int("total_tokens"), reasoningTokens: int("reasoning_tokens"),
                                     cachedPromptTokens: int("cached_prompt_tokens")),
                  agentIDs: json["agent_ids"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  source: json["source"]?.stringValue)
    }
}

/// Token usage summed per provider/model pair: compozy's `usage.Summary`, whose JSON is the
/// array of its entries, ordered by provider, then model.
public struct UsageSummary: Sendable, Hashable {
    /// The entries, one per provider/model/source, ordered by provider, model and source.
    public private(set) var entries: [UsageEntry] = []

    /// An empty summary.
    public init() {}

    /// A summary of `entries`, merged.
    public init(_ entries: [UsageEntry]) {
        for entry in entries { add(entry) }
    }

    /// Reads the JSON array `json` (entries that do not parse are skipped); `null` is empty.
    public init(json: JSONValue) {
        self.init((json.arrayValue ?? []).compactMap(UsageEntry.init(json:)))
    }

    /// Whether no tokens were recorded.
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds one call's usage, summed into the entry of the same provider, model and source.
    public mutating func add(_ entry: UsageEntry) {
        guard let index = entries.firstIndex(where: {
            $0.provider == entry.provider && $0.model == entry.model && $0.source == entry.source
        }) else {
            entries.append(entry)
            entries.sort { ($0.provider, $0.model, $0.source ?? "") < ($1.provider, $1.model, $1.source ?? "") }
            return
        }
        var merged = entries[index]
        merged.tokens.promptTokens += entry.tokens.promptTokens
        merged.tokens.completionTokens += entry.tokens.completionTokens
        merged.tokens.totalTokens += entry.tokens.totalTokens
        merged.tokens.reasoningTokens = Self.sum(merged.tokens.reasoningTokens, entry.tokens.reasoningTokens)
        merged.tokens.cachedPromptTokens = Self.sum(merged.tokens.cachedPromptTokens, entry.tokens.cachedPromptTokens)
        merged.agentIDs = Array(Set(merged.agentIDs + entry.agentIDs)).sorted()
        entries[index] = merged
    }

    /// Adds every entry of `other`.
    public mutating func add(_ other: UsageSummary) {
        for entry in other.entries { add(entry) }
    }

    /// The same entries tagged with `source` (`task` or `workflow`), as compozy files them.
    public func tagged(_ source: String) -> UsageSummary {
        UsageSummary(entries.map { entry in
            var tagged = entry
            tagged.source = source
            return tagged
        })
    }

    /// The JSON array compozy returns as `usage`.
    public var json: JSONValue { .array(entries.map(\.json)) }

    private static func sum(_ left: Int?, _ right: Int?) -> Int? {
        left == nil && right == nil ? nil : (left ?? 0) + (right ?? 0)
    }
}
