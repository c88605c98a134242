// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets for Switchyard's parsers (docs/FUZZING.md). Built only by `make fuzz` and the
// smoke in `make test` (Fuzz/fuzz.mk), with address sanitizer and libFuzzer's coverage.
//
// The modules under test are compiled from the main package's own source folders (the symlinks
// in Fuzz/Modules: SwiftPM refuses target paths outside a package's root). They are targets of
// this package rather than products of the main one for two reasons: `package` declarations stay
// reachable, and only what the parsers need is built under the sanitizer: the engine without its
// SQLite store (no GRDB), the ffi signature parser without dlopen or library hashing (no
// swift-crypto).

/// The main package's settings: Swift 6 mode, every warning an error.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6), .treatAllWarnings(as: .error)]

/// One fuzz executable: `Sources/<name>/main.swift` hands its function under test to FuzzDriver.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies, path: "Sources/\(name)",
                      swiftSettings: strict)
}

let package = Package(
    name: "SwitchyardFuzz",
    products: [
        .executable(name: "fuzz-json", targets: ["fuzz-json"]),
        .executable(name: "fuzz-frames", targets: ["fuzz-frames"]),
        .executable(name: "fuzz-template", targets: ["fuzz-template"]),
        .executable(name: "fuzz-condition", targets: ["fuzz-condition"]),
        .executable(name: "fuzz-yaml", targets: ["fuzz-yaml"]),
        .executable(name: "fuzz-ffi-signature", targets: ["fuzz-ffi-signature"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The engine logs, records metrics and opens spans through these API packages (no backend here).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
    ],
    targets: [
        // MARK: The modules under test, from the main package's folders.
        .target(name: "SwitchyardABI", path: "Modules/SwitchyardABI"),
        .target(name: "SwitchyardJSON", path: "Modules/SwitchyardJSON", swiftSettings: strict),
        .target(name: "SwitchyardRuntime", dependencies: ["SwitchyardABI", "SwitchyardJSON"],
                path: "Modules/SwitchyardRuntime", swiftSettings: strict),
        .target(name: "SwitchyardTemplates", dependencies: ["SwitchyardJSON"], path: "Modules/SwitchyardTemplates",
                swiftSettings: strict),
        .target(name: "SwitchyardConditions", dependencies: ["SwitchyardJSON"], path: "Modules/SwitchyardConditions",
                swiftSettings: strict),
        .target(
            name: "SwitchyardEngine",
            dependencies: [
                "SwitchyardRuntime", "SwitchyardTemplates", "SwitchyardConditions", "SwitchyardJSON",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Modules/SwitchyardEngine",
            // The SQLite store's files, the only ones that need GRDB.
            exclude: ["Store/SQLiteExecutionStore.swift", "Store/SQLiteExecutionStore+Leases.swift",
                      "Store/SQLiteExecutionStore+Signals.swift", "Store/SQLiteExecutionStore+Schedules.swift",
                      "Store/SQLiteGroupCommit.swift",
                      "Store/SQLitePollingNotifier.swift"],
            swiftSettings: strict),
        .systemLibrary(name: "CLibFFI", path: "Modules/CLibFFI", pkgConfig: "libffi"),
        .target(name: "CFFI", dependencies: ["CLibFFI"], path: "Modules/CFFI"),
        // Types and call interfaces only: the loader files (dlopen, policy, SHA-256) stay out.
        .target(
            name: "SwitchyardFFI", dependencies: ["CFFI"], path: "Modules/SwitchyardFFI",
            sources: ["FFIError.swift", "FFIType.swift", "FFITypeTable.swift", "CallInterface.swift"],
            swiftSettings: strict),
        // The signature parser only: calling (and the schemas, which share its helpers) needs the loader.
        .target(
            name: "FFIAdapterCore", dependencies: ["SwitchyardFFI", "SwitchyardJSON"], path: "Modules/FFIAdapterCore",
            sources: ["FFISignature.swift", "FFISignature+Parsing.swift", "FFIValueType.swift"],
            swiftSettings: strict),

        // MARK: The fuzz targets
        .target(name: "CFuzzerDriver", path: "Sources/CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"], path: "Sources/FuzzSupport", swiftSettings: strict),
        fuzzTarget("fuzz-json", ["SwitchyardJSON"]),
        fuzzTarget("fuzz-frames", ["SwitchyardRuntime", "SwitchyardJSON"]),
        fuzzTarget("fuzz-template", ["SwitchyardTemplates", "SwitchyardJSON"]),
        fuzzTarget("fuzz-condition", ["SwitchyardConditions", "SwitchyardJSON"]),
        fuzzTarget("fuzz-yaml", ["SwitchyardEngine"]),
        fuzzTarget("fuzz-ffi-signature", ["FFIAdapterCore", "SwitchyardFFI", "SwitchyardJSON"]),
    ]
)
