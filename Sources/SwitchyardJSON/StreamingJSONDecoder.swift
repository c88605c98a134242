/// Placeholder: replaced by the incremental decoder in the next commit.
public struct StreamingJSONDecoder: Sendable {
    public init() {}
}
