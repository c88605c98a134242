// swift-tools-version: 6.2
import PackageDescription

// A host that embeds Switchyard: it depends on the library product by path, as a host in its own
// repository would depend on it by URL.
let package = Package(
    name: "embedding-host",
    dependencies: [
        .package(name: "Switchyard", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "embedding-host",
            dependencies: [.product(name: "Switchyard", package: "Switchyard")],
            path: "Sources/embedding-host",
            swiftSettings: [.swiftLanguageMode(.v6), .treatAllWarnings(as: .error)]),
    ]
)
