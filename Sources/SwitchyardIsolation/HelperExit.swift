/// What a helper process tells the adapter that supervises it.
protocol HelperProcessObserver: AnyObject, Sendable {
    /// The helper was reaped (its pipes closed): `exit` says how it ended and why the host
    /// stopped it, if it did. Every call still registered with it is handed over unfinished.
    func helperExited(_ helper: HelperProcess, exit: HelperExit, unfinished: [IsolatedCall])
}

/// How a helper process ended.
struct HelperExit: Sendable {
    /// `exited with status 3`, `was killed by signal 11 (SIGSEGV)`, or why it never started.
    var status: String
    /// Why the host stopped it, when it did (`nil`: it died on its own).
    var stopReason: String?
    /// Whether the host asked it to shut down (then an exit is no failure).
    var wasShutDown: Bool
}
