/// Runs `body` with an optional time limit. On expiry the body's task is canceled and awaited
/// (so a tool call it started is torn down before this returns) and `onTimeout()` is returned,
/// unless the canceled body's own result satisfies `keepingLate`: a body that already did what it
/// waited for (a wait task that took a signal as the timer fired) keeps its result, which would
/// otherwise be lost.
func withDeadline<T: Sendable>(_ timeout: Duration?, keepingLate: @escaping @Sendable (T) -> Bool = { _ in false },
                               onTimeout: @escaping @Sendable () -> T,
                               _ body: @escaping @Sendable () async -> T) async -> (value: T, timedOut: Bool) {
    guard let timeout else { return (await body(), false) }
    return await withTaskGroup(of: DeadlineFinish<T>?.self) { group in
        group.addTask { .body(await body()) }
        group.addTask {
            do { try await Task.sleep(for: timeout) } catch { return nil }
            return .timer
        }
        var timerFired = false
        for await finish in group {
            switch finish {
            case .body(let value)?:
                group.cancelAll()
                // A body that ends after the timer fired ended because it was canceled.
                if !timerFired || keepingLate(value) { return (value, false) }
                return (onTimeout(), true)
            case .timer?:
                timerFired = true
                group.cancelAll()
            case nil:
                continue
            }
        }
        return (onTimeout(), true)
    }
}

/// Which of `withDeadline`'s two tasks ended: the body (with its result) or the timer.
private enum DeadlineFinish<T: Sendable>: Sendable {
    case body(T), timer
}
