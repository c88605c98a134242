import Testing

/// The adapter-protocol tests (no adapter library involved).
@Suite(.timeLimit(.minutes(1)))
struct RuntimeTests {}
