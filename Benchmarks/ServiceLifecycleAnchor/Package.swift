// swift-tools-version: 6.0
// The anchor of scenario 1 (see ../README.md): N trivial services in one swift-service-lifecycle
// `ServiceGroup`, started and shut down gracefully. A package of its own so that this dependency
// never reaches the main package (nor the StewardBenchmarks package).
import PackageDescription

let package = Package(
    name: "ServiceLifecycleAnchor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "service-lifecycle-anchor", targets: ["ServiceLifecycleAnchor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "ServiceLifecycleAnchor",
            dependencies: [
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/ServiceLifecycleAnchor"
        ),
    ],
    swiftLanguageModes: [.v6]
)
