import SwitchyardJSON

/// compozy's `params` block (`core.PromptParams`) and how each provider's wire carries it.
///
/// compozy declares `max_tokens`, `temperature`, `stop_words`, `top_k`, `top_p`, `seed`,
/// `min_length`, `max_length`, `repetition_penalty`, `frequency_penalty`, `presence_penalty`,
/// `n`, `candidate_count` and `metadata`. Like compozy, a zero value means "not set" and is not
/// sent, except `temperature`, which is sent whenever it is written (0 is a real temperature).
/// Each protocol receives the fields its compozy client sends; the others are dropped, as compozy
/// drops them. A key outside compozy's vocabulary is passed to an OpenAI-compatible body as is
/// (a Switchyard extension, for fields such as `response_format` or `logprobs`); `stream` never.
enum PromptParams {
    /// Numeric parameters.
    static let numberKeys: Set<String> = [
        "max_tokens", "temperature", "top_k", "top_p", "seed", "min_length", "max_length",
        "repetition_penalty", "frequency_penalty", "presence_penalty", "n", "candidate_count",
    ]
    /// compozy's whole vocabulary.
    static let compozyKeys: Set<String> = numberKeys.union(["stop_words", "metadata"])

    /// compozy name → OpenAI chat-completions field, for the fields compozy's OpenAI client sends.
    static let openAIFields: [String: String] = [
        "temperature": "temperature", "max_tokens": "max_tokens", "stop_words": "stop", "top_p": "top_p",
        "frequency_penalty": "frequency_penalty", "presence_penalty": "presence_penalty", "seed": "seed", "n": "n",
    ]
    /// compozy name → Anthropic Messages field.
    static let anthropicFields: [String: String] = [
        "temperature": "temperature", "max_tokens": "max_tokens", "stop_words": "stop_sequences",
        "top_p": "top_p", "top_k": "top_k",
    ]

    /// Checks the types of compozy's parameters.
    /// - Throws: `FieldProblem` naming the parameter (`params.temperature`).
    static func validate(_ params: FieldReader) throws(FieldProblem) {
        for key in params.members.keys.sorted() {
            if numberKeys.contains(key) { _ = try params.number(key) }
            if key == "metadata" { _ = try params.object(key) }
            if key == "stop_words" {
                for (path, word) in try params.elements(key) where word.stringValue == nil {
                    throw FieldProblem(path, .wrongType(expected: .string, found: word))
                }
            }
        }
    }

    /// The wire fields for `params`, renamed through `fields`; compozy keys not in `fields` are
    /// dropped, other keys kept when `passThrough`.
    static func wireFields(_ params: JSONValue, fields: [String: String], passThrough: Bool) -> [String: JSONValue] {
        var wire: [String: JSONValue] = [:]
        for (key, value) in params.objectValue ?? [:] where key != "stream" {
            guard compozyKeys.contains(key) else {
                if passThrough { wire[key] = value }
                continue
            }
            guard let name = fields[key], isSet(key, value) else { continue }
            wire[name] = value
        }
        return wire
    }

    /// compozy's "set" test: `temperature` whenever written, others when not zero or empty.
    private static func isSet(_ key: String, _ value: JSONValue) -> Bool {
        if key == "temperature" { return true }
        if let number = value.doubleValue { return number != 0 }
        if let list = value.arrayValue { return !list.isEmpty }
        if let object = value.objectValue { return !object.isEmpty }
        return value != .null
    }
}
