import SwitchyardRuntime
/// Per-adapter limits for calls into a C-ABI adapter.
public struct AdapterCallOptions: Sendable, Hashable {
    /// The time budget of a call whose request names none.
    public var defaultTimeout: Duration
    /// How long a canceled or timed-out call may take to send its terminal frame (so the adapter
    /// can clean up) before the host gives up and releases it.
    public var cancelGrace: Duration
    /// The limit over a call's RESULT and PROGRESS payload bytes.
    public var maxOutputBytes: Int
    /// How long `describe` and `destroy` may run before the host gives up on them (their thread
    /// is abandoned and reported) — so a stuck adapter never holds up `describe` or shutdown.
    public var hookTimeout: Duration
    /// `start_call` runs on the calling thread instead of a hook thread: no thread hand-off per
    /// call (the fastest path), but a `start_call` that blocks holds its caller until it returns,
    /// past any deadline. For adapters trusted not to block (`isolation: inline`), and for the
    /// isolation helper, whose host supervises it.
    public var startsCallsInline: Bool

    /// Creates options.
    /// - Parameters:
    ///   - defaultTimeout: the budget of a call whose request names none (default 60 s).
    ///   - cancelGrace: the wait for the terminal frame after a cancel (default 2 s).
    ///   - maxOutputBytes: the output limit (default 10 MiB).
    ///   - hookTimeout: the longest `describe` or `destroy` may run (default 10 s).
    ///   - startsCallsInline: run `start_call` on the calling thread (default `false`).
    public init(defaultTimeout: Duration = .seconds(60), cancelGrace: Duration = .seconds(2),
                maxOutputBytes: Int = 10 << 20, hookTimeout: Duration = .seconds(10),
                startsCallsInline: Bool = false) {
        self.defaultTimeout = defaultTimeout
        self.cancelGrace = cancelGrace
        self.maxOutputBytes = maxOutputBytes
        self.hookTimeout = hookTimeout
        self.startsCallsInline = startsCallsInline
    }
}
