/// Why loading a library, resolving a symbol, preparing or making a foreign call failed.
///
/// A struct with an extensible ``Code`` plus a message, after swift-subprocess's
/// `SubprocessError`: new codes can be added without breaking callers that switch on them.
public struct FFIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name, e.g. `"library_not_found"`.
        public let rawValue: String
        /// Creates a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// `dlopen` failed: no such file, or not a loadable library for this process.
        public static let libraryNotFound = Code(rawValue: "library_not_found")
        /// `dlsym` found no such symbol in the library.
        public static let symbolNotFound = Code(rawValue: "symbol_not_found")
        /// The load policy refused the file: others could replace it (writable by group or
        /// others, here or in a directory above, or owned by another user).
        public static let permissionDenied = Code(rawValue: "permission_denied")
        /// The load policy refused the file: its real path is outside every allowed directory.
        public static let outsideAllowedDirectories = Code(rawValue: "outside_allowed_directories")
        /// The load policy refused the file: its SHA-256 is not the pinned one.
        public static let hashMismatch = Code(rawValue: "hash_mismatch")
        /// A signature (an `ffi` field of a tool) is malformed.
        public static let badSignature = Code(rawValue: "bad_signature")
        /// libffi refused to prepare the call interface.
        public static let prepareFailed = Code(rawValue: "prepare_failed")
        /// A call's arguments do not match the signature (count or JSON type or range).
        public static let badArgument = Code(rawValue: "bad_argument")
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, naming the library, symbol, path or field involved.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
