import Testing

/// Runs `body`, expecting it to throw; returns the typed error, or records an issue and
/// returns `nil` when it succeeds.
public func expectError<Failure: Error>(
    _ body: () throws(Failure) -> Void, sourceLocation: SourceLocation = #_sourceLocation
) -> Failure? {
    do {
        try body()
        Issue.record("expected \(Failure.self), got success", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
