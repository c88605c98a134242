import CFuzzerDriver

#if canImport(Glibc)
import Glibc
#endif

/// Runs libFuzzer over one function under test.
///
/// libFuzzer calls back through a C function pointer, which cannot capture; the function under
/// test waits in a static for the one run a process makes.
public enum FuzzDriver {
    /// Set once, before libFuzzer starts; libFuzzer calls the callback on one thread.
    nonisolated(unsafe) private static var functionUnderTest: ((UnsafeRawBufferPointer) -> Void)?

    /// Hands the process's command line to libFuzzer (`-runs=`, `-max_total_time=`, corpus
    /// directories, crash files to replay) and calls `body` with every input it generates.
    ///
    /// `body` reports a finding by crashing: a trap (`preconditionFailure`), an address-sanitizer
    /// report, a timeout or running out of memory. Errors thrown by the code under test are the
    /// expected answer to bad input and must be caught inside `body`.
    /// - Parameter body: the function under test; the bytes are borrowed for one call.
    public static func run(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
        functionUnderTest = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzDriver.functionUnderTest?(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
        exit(status)
    }
}
