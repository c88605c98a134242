// swift-tools-version: 6.2
import PackageDescription

/// Settings every Swift target shares: Swift 6 mode, strict concurrency.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchyard", targets: ["switchyard"]),
        .executable(name: "switchyard-bench", targets: ["switchyard-bench"]),
        // Adapter libraries: each builds to lib<name>.so beside the executables.
        .library(name: "textkit", type: .dynamic, targets: ["TextKitPlugin"]),
        .library(name: "switchyard_ffi", type: .dynamic, targets: ["FFIAdapterPlugin"]),
        .library(name: "switchyard_bun", type: .dynamic, targets: ["BunAdapterPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The C ABI (include/switchyard/adapter.h) exposed to Swift.
        .target(name: "SwitchyardABI", path: "Sources/SwitchyardABI"),
        // libffi as a system library, plus C accessors for its ffi_type_* globals.
        .systemLibrary(
            name: "CLibFFI", path: "Sources/CLibFFI", pkgConfig: "libffi",
            providers: [.apt(["libffi-dev"])]),
        .target(name: "CFFI", dependencies: ["CLibFFI"], path: "Sources/CFFI"),
        .target(name: "SwitchyardJSON", path: "Sources/SwitchyardJSON", swiftSettings: strict),
        .target(
            name: "SwitchyardFFI", dependencies: ["CFFI", "SwitchyardJSON"],
            path: "Sources/SwitchyardFFI", swiftSettings: strict),
        .target(
            name: "SwitchyardRuntime",
            dependencies: [
                "SwitchyardABI", "SwitchyardFFI", "SwitchyardJSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/SwitchyardRuntime", swiftSettings: strict),
        .target(
            name: "SwitchyardEngine",
            dependencies: [
                "SwitchyardRuntime", "SwitchyardJSON",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/SwitchyardEngine", swiftSettings: strict),
        .target(
            name: "SwitchyardAgents",
            dependencies: [
                "SwitchyardEngine", "SwitchyardRuntime", "SwitchyardJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/SwitchyardAgents", swiftSettings: strict),
        // The HTTP API (`switchyard serve`) over an engine.
        .target(
            name: "SwitchyardServer",
            dependencies: [
                "SwitchyardEngine", "SwitchyardRuntime", "SwitchyardJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/SwitchyardServer", swiftSettings: strict),
        .executableTarget(
            name: "switchyard",
            dependencies: [
                "SwitchyardEngine", "SwitchyardRuntime", "SwitchyardJSON", "SwitchyardAgents", "SwitchyardServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/switchyard", swiftSettings: strict),
        .executableTarget(
            name: "switchyard-bench",
            dependencies: [
                "SwitchyardEngine", "SwitchyardRuntime", "SwitchyardFFI", "SwitchyardJSON", "CFFI", "SwitchyardServer",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Sources/switchyard-bench", swiftSettings: strict),

        // Adapters. Each is loaded with dlopen by the host; none is linked into it.
        .target(name: "TextKitPlugin", path: "Plugins/textkit", exclude: ["Makefile", "build"],
                cSettings: [.headerSearchPath("../../include")]),
        .target(
            name: "FFIAdapterPlugin",
            dependencies: ["SwitchyardABI", "SwitchyardFFI", "SwitchyardJSON"],
            path: "Plugins/ffi", swiftSettings: strict),
        .target(
            name: "BunAdapterPlugin",
            dependencies: [
                "SwitchyardABI", "SwitchyardJSON",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Plugins/bun", swiftSettings: strict),

        .testTarget(name: "SwitchyardJSONTests", dependencies: ["SwitchyardJSON"], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardFFITests", dependencies: ["SwitchyardFFI", "CFFI", "SwitchyardJSON"],
            swiftSettings: strict),
        .testTarget(
            name: "SwitchyardRuntimeTests",
            dependencies: ["SwitchyardRuntime", "SwitchyardABI", "SwitchyardJSON"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "BunAdapterTests",
            dependencies: ["SwitchyardRuntime", "SwitchyardJSON"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardEngineTests",
            dependencies: ["SwitchyardEngine", "SwitchyardRuntime", "SwitchyardJSON"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardAgentsTests",
            dependencies: ["SwitchyardAgents", "SwitchyardEngine", "SwitchyardRuntime", "SwitchyardJSON"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardCLITests",
            dependencies: ["SwitchyardJSON", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            resources: [.copy("Fixtures")], swiftSettings: strict),
    ]
)
