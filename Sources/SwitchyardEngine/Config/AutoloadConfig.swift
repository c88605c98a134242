/// `autoload:` in the project file: resource files found by glob patterns instead of listed.
///
/// As compozy's `engine/autoload.Config`: nothing is discovered unless `enabled`; `include` is
/// required then; `strict` decides whether a file that cannot be registered (not YAML, no
/// `resource:` or `id:`, an unknown resource type, a duplicate id, outside the project) is an
/// error or is skipped. An absent `strict:` reads as false, as compozy's YAML decoding leaves it.
public struct AutoloadConfig: Sendable, Equatable {
    /// `enabled`: discover resource files at all.
    public var enabled: Bool
    /// `strict`: a file that cannot be registered is an error (else it is skipped, with a warning).
    public var strict: Bool
    /// `include`: glob patterns, relative to the project directory (`agents/**/*.yaml`).
    public var include: [String]
    /// `exclude`: glob patterns matched against each found file's relative path and its name.
    public var exclude: [String]
    /// `watch_enabled`: accepted for compozy projects; Switchyard loads once per start.
    public var watchEnabled: Bool

    /// Patterns for editor and system leftovers, always excluded (compozy's `DefaultExcludes`).
    public static let defaultExcludes = ["**/.#*", "**/*~", "**/*.bak", "**/*.swp", "**/*.tmp", "**/._*"]

    /// Creates an autoload configuration; disabled unless `enabled`.
    public init(enabled: Bool = false, strict: Bool = false, include: [String] = [], exclude: [String] = [],
                watchEnabled: Bool = false) {
        self.enabled = enabled
        self.strict = strict
        self.include = include
        self.exclude = exclude
        self.watchEnabled = watchEnabled
    }

    /// The default excludes followed by `exclude`.
    public var allExcludes: [String] { Self.defaultExcludes + exclude }
}
