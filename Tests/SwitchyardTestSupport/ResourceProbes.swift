import Foundation

/// Runs `body` on a thread with a 2 MiB stack (a quarter of Linux's default thread stack) and
/// returns its result: a recursion the input limits failed to bound crashes here, in the test,
/// instead of passing on a large main-thread stack.
public func onSmallStack<Result: Sendable>(_ body: @escaping @Sendable () -> Result) -> Result {
    let box = ResultBox<Result>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = 2 << 20
    thread.start()
    done.wait()
    return box.value!
}

/// Carries the result out of the thread; the semaphore orders the write before the read.
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}

/// This process's peak resident size so far (`VmHWM` in `/proc/self/status`), in bytes; 0 where
/// the file cannot be read.
public func peakResidentBytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
}
