// swift-tools-version: 6.2
import PackageDescription

// Switchyard builds and runs on Linux only: the host and the Bun adapter rely on pidfds, process
// groups, prctl and /proc. No Apple platform is declared because none is built or tested.

/// Settings every Swift target shares: Swift 6 mode, and every warning an error.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6), .treatAllWarnings(as: .error)]
/// The same for C targets.
let strictC: [CSetting] = [.treatAllWarnings(as: .error)]

let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let tracing = Target.Dependency.product(name: "Tracing", package: "swift-distributed-tracing")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let otel = Target.Dependency.product(name: "OTel", package: "swift-otel")

let package = Package(
    name: "Switchyard",
    products: [
        /// The embeddable runtime: open a project, load its adapters, run workflows and tools.
        .library(name: "Switchyard", targets: ["SwitchyardHost"]),
        .executable(name: "switchyard", targets: ["switchyard"]),
        .executable(name: "switchyard-bench", targets: ["switchyard-bench"]),
        // The process an `isolation: process` adapter's library runs in; found beside the host.
        .executable(name: "switchyard-adapter-helper", targets: ["switchyard-adapter-helper"]),
        // Adapter libraries: each builds to lib<name>.so beside the executables.
        .library(name: "textkit", type: .dynamic, targets: ["TextKitAdapter"]),
        .library(name: "switchyard_ffi", type: .dynamic, targets: ["FFIAdapter"]),
        .library(name: "switchyard_bun", type: .dynamic, targets: ["BunAdapter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // SHA-256 of adapter libraries (`sha256:` pins); already in the graph (swift-nio-extras, swift-certificates).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Observability: the API packages in the library, the backends (Prometheus, OTLP) bootstrapped by the CLI.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // OTLP over HTTP only: the gRPC trait would add grpc-swift to every cold build.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        // W3C trace ids and traceparent parsing for SwitchyardTelemetry's tracer; already in swift-otel's graph.
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
        // The Postgres execution store (SwitchyardPostgres): PostgresClient, its pool, LISTEN/NOTIFY.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: C
        // The C ABI (include/switchyard/adapter.h) exposed to Swift.
        .target(name: "SwitchyardABI", path: "Sources/SwitchyardABI", cSettings: strictC),
        // libffi as a system library, plus C accessors for its ffi_type_* globals.
        .systemLibrary(
            name: "CLibFFI", path: "Sources/CLibFFI", pkgConfig: "libffi",
            providers: [.apt(["libffi-dev"])]),
        .target(name: "CFFI", dependencies: ["CLibFFI"], path: "Sources/CFFI", cSettings: strictC),
        // C functions only the benchmarks call.
        .target(name: "CBenchSupport", path: "Sources/CBenchSupport", cSettings: strictC),

        // MARK: Foundations (no adapter, no engine)
        .target(name: "SwitchyardJSON", path: "Sources/SwitchyardJSON", swiftSettings: strict),
        // dlopen + libffi: libraries, symbols, cached call interfaces.
        .target(
            name: "SwitchyardFFI", dependencies: ["CFFI", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/SwitchyardFFI", swiftSettings: strict),
        // The adapter protocol the engine sees: ToolAdapter, requests, events, errors, the frame decoder.
        .target(
            name: "SwitchyardRuntime", dependencies: ["SwitchyardABI", "SwitchyardJSON"],
            path: "Sources/SwitchyardRuntime", swiftSettings: strict),
        // The C-ABI host: adapter libraries loaded with dlopen and driven through libffi.
        .target(
            name: "SwitchyardAdapterHost",
            dependencies: ["SwitchyardABI", "SwitchyardFFI", "SwitchyardRuntime", "SwitchyardJSON", logging],
            path: "Sources/SwitchyardAdapterHost", swiftSettings: strict),
        .target(name: "SwitchyardTemplates", dependencies: ["SwitchyardJSON"], path: "Sources/SwitchyardTemplates",
                swiftSettings: strict),
        .target(name: "SwitchyardConditions", dependencies: ["SwitchyardJSON"], path: "Sources/SwitchyardConditions",
                swiftSettings: strict),

        // Adapters in a helper process (`isolation: process`): the host side, and the helper.
        .target(name: "CIsolationSupport", path: "Sources/CIsolationSupport", cSettings: strictC),
        .target(
            name: "SwitchyardIsolation",
            dependencies: [
                "CIsolationSupport", "SwitchyardRuntime", "SwitchyardJSON", logging,
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Sources/SwitchyardIsolation", swiftSettings: strict),
        .executableTarget(
            name: "switchyard-adapter-helper",
            dependencies: ["CIsolationSupport", "SwitchyardIsolation", "SwitchyardAdapterHost", "SwitchyardRuntime", "SwitchyardJSON"],
            path: "Sources/switchyard-adapter-helper", swiftSettings: strict),

        // MARK: Engine, agents, host, server
        .target(
            name: "SwitchyardEngine",
            dependencies: [
                "SwitchyardRuntime", "SwitchyardTemplates", "SwitchyardConditions", "SwitchyardJSON",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                logging, metrics, tracing,
            ],
            path: "Sources/SwitchyardEngine", swiftSettings: strict),
        .target(
            name: "SwitchyardAgents",
            dependencies: [
                "SwitchyardRuntime", "SwitchyardJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                logging, metrics, tracing,
            ],
            path: "Sources/SwitchyardAgents", swiftSettings: strict),
        // The execution store on PostgreSQL (`--store postgres://…`); the engine never imports it.
        .target(
            name: "SwitchyardPostgres",
            dependencies: [
                "SwitchyardEngine", "SwitchyardJSON", logging,
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Sources/SwitchyardPostgres", swiftSettings: strict),
        // The composition root embedding hosts use: project → adapters + store + engine.
        .target(
            name: "SwitchyardHost",
            dependencies: [
                "SwitchyardEngine", "SwitchyardAdapterHost", "SwitchyardAgents", "SwitchyardRuntime",
                "SwitchyardTemplates", "SwitchyardJSON", "SwitchyardIsolation", "SwitchyardPostgres",
                logging, metrics, tracing,
            ],
            path: "Sources/SwitchyardHost", swiftSettings: strict),
        // The HTTP API (`switchyard serve`) over an engine.
        .target(
            name: "SwitchyardServer",
            dependencies: [
                "SwitchyardEngine", "SwitchyardJSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                logging, metrics, tracing, prometheus,
            ],
            path: "Sources/SwitchyardServer", swiftSettings: strict),
        // Backends a process bootstraps (OTLP traces from the OTEL_* variables); the CLI and the bench share it.
        .target(
            name: "SwitchyardTelemetry",
            dependencies: [
                logging, tracing, otel,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // BatchedTracer's exporter posts with AsyncHTTPClient, ids from W3CTraceContext.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ],
            path: "Sources/SwitchyardTelemetry", swiftSettings: strict),
        .executableTarget(
            name: "switchyard",
            dependencies: [
                "SwitchyardHost", "SwitchyardEngine", "SwitchyardJSON", "SwitchyardServer", "SwitchyardTelemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `executions watch` reads a server's event stream.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                logging, metrics, tracing, prometheus, otel,
            ],
            path: "Sources/switchyard", swiftSettings: strict),
        .executableTarget(
            name: "switchyard-bench",
            dependencies: [
                "SwitchyardEngine", "SwitchyardAdapterHost", "SwitchyardRuntime", "SwitchyardFFI", "SwitchyardJSON",
                "CFFI", "CBenchSupport", "SwitchyardServer", "SwitchyardIsolation", "SwitchyardTelemetry",
                "SwitchyardPostgres",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                metrics, tracing, prometheus, otel,
            ],
            path: "Sources/switchyard-bench", swiftSettings: strict),

        // MARK: Adapters. Each is loaded with dlopen by the host; none is linked into it.
        // textkit reads its inputs with cJSON (Debian libcjson-dev: <cjson/cJSON.h>, -lcjson).
        .target(name: "TextKitAdapter", path: "Plugins/textkit", exclude: ["Makefile", "build"],
                cSettings: [.headerSearchPath("../../include")] + strictC,
                linkerSettings: [.linkedLibrary("cjson")]),
        // What every Swift adapter shares: the entry handshake, the host-table wrapper, the
        // instance box. Linked into the adapter libraries only; the host never depends on it.
        .target(
            name: "SwitchyardAdapterKit", dependencies: ["SwitchyardABI", "SwitchyardJSON"],
            path: "Sources/SwitchyardAdapterKit", swiftSettings: strict),
        // The ffi adapter: declared signatures parsed, marshaled and called (Core), behind the C ABI.
        .target(
            name: "FFIAdapterCore", dependencies: ["SwitchyardFFI", "SwitchyardJSON"],
            path: "Plugins/ffi/Core", swiftSettings: strict),
        .target(
            name: "FFIAdapter",
            dependencies: ["SwitchyardABI", "SwitchyardAdapterKit", "FFIAdapterCore", "SwitchyardFFI", "SwitchyardJSON"],
            path: "Plugins/ffi/Adapter", swiftSettings: strict),
        .target(
            name: "BunAdapter",
            dependencies: [
                "SwitchyardABI", "SwitchyardAdapterKit", "SwitchyardJSON", "SwitchyardRuntime",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Plugins/bun",
            // The worker JavaScript, as real files compiled into the library (WorkerScript.swift).
            resources: [
                .embedInCode("js/worker.mjs"), .embedInCode("js/convention.js"),
                .embedInCode("js/per-call.mjs"), .embedInCode("js/per-call-helpers.mjs"),
            ],
            swiftSettings: strict),

        // MARK: Tests
        // Shared by the test targets: temporary directories removed at exit, the `.slow` trait.
        .target(name: "SwitchyardTestSupport", dependencies: ["SwitchyardJSON"], path: "Tests/SwitchyardTestSupport",
                resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "SwitchyardJSONTests", dependencies: ["SwitchyardTestSupport", "SwitchyardJSON"], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardFFITests", dependencies: ["SwitchyardTestSupport", "SwitchyardFFI"], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardRuntimeTests", dependencies: ["SwitchyardRuntime", "SwitchyardJSON"],
            swiftSettings: strict),
        .testTarget(
            name: "SwitchyardAdapterHostTests",
            dependencies: [
                "SwitchyardTestSupport", "SwitchyardAdapterHost", "SwitchyardRuntime", "SwitchyardABI", "SwitchyardJSON",
            ],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardTemplatesTests", dependencies: ["SwitchyardTestSupport", "SwitchyardTemplates", "SwitchyardJSON"],
            swiftSettings: strict),
        .testTarget(
            name: "SwitchyardConditionsTests", dependencies: ["SwitchyardTestSupport", "SwitchyardConditions", "SwitchyardJSON"],
            swiftSettings: strict),
        .testTarget(
            name: "FFIAdapterTests",
            dependencies: ["SwitchyardTestSupport", "FFIAdapterCore", "SwitchyardFFI", "SwitchyardJSON"],
            swiftSettings: strict),
        .testTarget(
            name: "BunAdapterTests",
            dependencies: [
                "SwitchyardTestSupport", "SwitchyardAdapterHost", "SwitchyardRuntime", "SwitchyardABI", "SwitchyardJSON",
            ],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardEngineTests",
            dependencies: [
                "SwitchyardTestSupport", "SwitchyardEngine", "SwitchyardRuntime", "SwitchyardAdapterHost", "SwitchyardJSON",
            ],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardAgentsTests",
            dependencies: ["SwitchyardTestSupport", "SwitchyardAgents", "SwitchyardRuntime", "SwitchyardJSON"],
            swiftSettings: strict),
        .testTarget(
            name: "SwitchyardIsolationTests",
            dependencies: [
                "SwitchyardTestSupport", "SwitchyardIsolation", "SwitchyardAdapterHost", "SwitchyardRuntime",
                "SwitchyardJSON",
            ],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "SwitchyardPostgresTests",
            dependencies: [
                "SwitchyardTestSupport", "SwitchyardPostgres", "SwitchyardEngine", "SwitchyardJSON", logging,
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SwitchyardHostTests", dependencies: ["SwitchyardHost"],
            swiftSettings: strict),
        .testTarget(
            name: "SwitchyardCLITests",
            dependencies: [
                "SwitchyardTestSupport", "SwitchyardJSON", "SwitchyardTelemetry", logging, tracing,
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")], swiftSettings: strict),
    ]
)
