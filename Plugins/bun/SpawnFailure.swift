#if canImport(Glibc)
import Glibc
#endif
import Subprocess

/// Why a runtime process could not start, in words that name the real cause: swift-subprocess
/// reports an EMFILE while opening the working directory as "Failed to set working directory",
/// which sends an operator looking at the wrong thing. The errno underneath decides the message.
enum SpawnFailure {
    /// "could not start bun: too many open files (EMFILE)", or the error's own words when it
    /// carries no errno.
    static func message(runtime: String, executable: String, _ error: any Error) -> String {
        if let failure = error as? SubprocessError, let code = failure.underlyingError?.rawValue {
            return "could not start \(runtime) (\(executable)): \(describe(errno: code))"
        }
        return "could not start \(runtime) (\(executable)): \(error)"
    }

    /// `strerror` in lower case with the errno's name: "too many open files (EMFILE)".
    static func describe(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        let sentence = text.prefix(1).lowercased() + text.dropFirst()
        return names[code].map { "\(sentence) (\($0))" } ?? "\(sentence) (errno \(code))"
    }

    /// The errnos a spawn can meet, by name.
    private static let names: [Int32: String] = [
        EMFILE: "EMFILE", ENFILE: "ENFILE", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", ENOENT: "ENOENT",
        EACCES: "EACCES", EPERM: "EPERM", ENOEXEC: "ENOEXEC", E2BIG: "E2BIG", ETXTBSY: "ETXTBSY",
        ENOTDIR: "ENOTDIR", ELOOP: "ELOOP", ENAMETOOLONG: "ENAMETOOLONG", EIO: "EIO",
    ]
}
