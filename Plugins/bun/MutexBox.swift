import Synchronization

/// A `Mutex` in a class, so it can be a stored property of non-final or `@unchecked` types and
/// shared by reference.
final class MutexBox<Value: ~Copyable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: consuming sending Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try mutex.withLock(body)
    }
}
