/// Runs `body` with an optional time limit. On expiry the body's task is canceled and awaited
/// (so a tool call it started is torn down before this returns) and `onTimeout()` is returned.
func withDeadline<T: Sendable>(_ timeout: Duration?, onTimeout: @escaping @Sendable () -> T,
                               _ body: @escaping @Sendable () async -> T) async -> (value: T, timedOut: Bool) {
    guard let timeout else { return (await body(), false) }
    return await withTaskGroup(of: (T, Bool)?.self) { group in
        group.addTask { (await body(), false) }
        group.addTask {
            do { try await Task.sleep(for: timeout) } catch { return nil }
            return (onTimeout(), true)
        }
        var outcome: (T, Bool)?
        for await result in group {
            guard let result else { continue }
            outcome = result
            group.cancelAll()
            break
        }
        // Leaving the group awaits the canceled sibling: the body is fully unwound here.
        if let outcome { return (outcome.0, outcome.1) }
        return (onTimeout(), true)
    }
}
