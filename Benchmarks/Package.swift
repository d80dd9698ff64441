// swift-tools-version: 6.0
// Benchmarks for Steward, kept in their own package so the main package stays free of benchmark
// code and (later) of third-party anchors. Each benchmark is an executable target under
// `Sources/<Name>/`; a comparison target (e.g. one built on swift-service-lifecycle) can be added
// next to `LifecycleBench` with its own dependencies without touching the main package.
import PackageDescription

let package = Package(
    name: "StewardBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lifecycle-bench", targets: ["LifecycleBench"]),
        .executable(name: "journal-bench", targets: ["JournalBench"]),
        .executable(name: "cluster-bench", targets: ["ClusterBench"]),
    ],
    dependencies: [
        .package(name: "Steward", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "LifecycleBench",
            dependencies: [.product(name: "StewardCore", package: "Steward")],
            path: "Sources/LifecycleBench"
        ),
        .executableTarget(
            name: "JournalBench",
            dependencies: [
                .product(name: "StewardCore", package: "Steward"),
                .product(name: "StewardJobs", package: "Steward"),
                .product(name: "StewardJournal", package: "Steward"),
            ],
            path: "Sources/JournalBench"
        ),
        .executableTarget(
            name: "ClusterBench",
            dependencies: [
                .product(name: "StewardCore", package: "Steward"),
                .product(name: "StewardJobs", package: "Steward"),
                .product(name: "StewardJournal", package: "Steward"),
                .product(name: "StewardPostgres", package: "Steward"),
            ],
            path: "Sources/ClusterBench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
