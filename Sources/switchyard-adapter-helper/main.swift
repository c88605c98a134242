#if canImport(Glibc)
import Glibc
#endif
import CIsolationSupport

// switchyard-adapter-helper: runs one adapter library for an isolated adapter (docs/ISOLATION.md).
// The host speaks HelperFrame frames on this process's stdin and stdout; the library sees the
// same C ABI it sees in process.

// Die with the host. The parent that counts for PR_SET_PDEATHSIG is the thread that spawned
// us: swift-subprocess spawns from its one worker thread, which lives as long as the host.
// A host that died before we asked is caught by comparing getppid() with the pid it passed.
_ = sy_isolation_die_with_parent()
if let expected = getenv("SWITCHYARD_HELPER_PARENT").flatMap({ pid_t(String(cString: $0)) }) {
    guard getppid() == expected else { _exit(70) }
    unsetenv("SWITCHYARD_HELPER_PARENT")
}
signal(SIGPIPE, SIG_IGN)

// The frames get descriptors of their own; the plugin's stdout goes to stderr (the host's
// stderr), and its stdin is /dev/null, so nothing it prints or reads can break the protocol.
let protocolInput = sy_isolation_dup_cloexec(0, 3)
let protocolOutput = sy_isolation_dup_cloexec(1, 3)
guard protocolInput >= 0, protocolOutput >= 0 else { _exit(71) }
let devNull = open("/dev/null", O_RDONLY)
if devNull >= 0 {
    dup2(devNull, 0)
    close(devNull)
}
dup2(2, 1)

HelperServer(input: protocolInput, output: FrameWriter(descriptor: protocolOutput)).run()
