/// Which environment variables a project, workflow, task, tool or runtime `env:` may set for a
/// tool process. The loader checks declarations with it (so `validate` reports them) and runtime
/// adapters check every call with it again (a host may build requests without the loader).
public enum ToolEnvironmentRules {
    /// Variables that change how the dynamic loader, Bun, Node or Deno load code: an `env:` entry
    /// setting one could run code before the tool (`LD_AUDIT`, `BUN_OPTIONS=--preload x.js`).
    public static let denied: Set<String> = [
        "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "LD_BIND_NOW", "LD_DEBUG", "LD_PROFILE",
        "NODE_OPTIONS", "NODE_PATH", "NODE_REPL_EXTERNAL_MODULE", "NODE_EXTRA_CA_CERTS", "NODE_ICU_DATA",
        "BUN_OPTIONS", "BUN_CONFIG_PROFILE", "BUN_INSPECT", "BUN_INSPECT_PRELOAD", "BUN_INSTALL",
        "DENO_DIR", "DENO_CERT", "DENO_V8_FLAGS", "DENO_FUTURE",
    ]
    /// Prefixes of variables denied as a family (the glibc loader and macOS's read any `LD_`/`DYLD_`
    /// variable; `BUN_CONFIG_*` configures how Bun resolves and loads modules).
    public static let deniedPrefixes = ["LD_", "DYLD_", "BUN_CONFIG_", "BUN_FEATURE_FLAG_", "DENO_"]

    /// Why `key=value` may not be set for a tool process, or nil.
    public static func problem(key: String, value: String) -> String? {
        if key.isEmpty { return "an env key is empty" }
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                continue
            default:
                return "env key \"\(key)\" may contain only A-Z 0-9 _"
            }
        }
        if isDenied(key) {
            return "env key \"\(key)\" is not allowed (it changes how the runtime loads code)"
        }
        if value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return "env \"\(key)\" has a control character in its value"
        }
        return nil
    }

    /// Host variables every tool process gets without asking: what a runtime, a shell and a
    /// locale-aware library need, and nothing that could hold a secret (an API key, a token, a
    /// proxy URL with a password). A project passes more through by name (`runtime.inherit_env`).
    public static let inheritedByDefault: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM",
    ]
    /// Prefixes of host variables inherited as a family: the locale categories.
    public static let inheritedPrefixes = ["LC_"]

    /// The part of `host` a tool process inherits: the default set, the locale family and
    /// `allowed` (names a project listed), never a denied one, whoever names it.
    public static func inherited(from host: [String: String], allowing allowed: Set<String> = []) -> [String: String] {
        host.filter { key, _ in
            !isDenied(key) && (inheritedByDefault.contains(key) || allowed.contains(key)
                               || inheritedPrefixes.contains(where: key.hasPrefix))
        }
    }

    /// Whether `key` is a loader or runtime variable no declaration may set.
    public static func isDenied(_ key: String) -> Bool {
        denied.contains(key) || deniedPrefixes.contains(where: key.hasPrefix)
    }
}
