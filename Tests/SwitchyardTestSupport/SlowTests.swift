import Foundation
import Testing

extension Tag {
    /// Tests that start real servers, runtimes or many processes (seconds each).
    @Tag public static var slow: Self
}

extension Trait where Self == ConditionTrait {
    /// Marks a slow suite or test: `make test-fast` (`SWITCHYARD_SKIP_SLOW=1`) skips it, for a
    /// quick inner loop; `make test` and CI run everything. Pair it with `.tags(.slow)`.
    public static var slow: Self {
        .disabled(if: ProcessInfo.processInfo.environment["SWITCHYARD_SKIP_SLOW"] == "1",
                  "slow: skipped by make test-fast")
    }
}
