// swift-tools-version: 6.0
// Steward: an init-style multi-process supervisor. No third-party packages: the toolchain and the
// OS's C libraries only.
import PackageDescription

let package = Package(
    name: "Steward",
    platforms: [.macOS(.v15)],
    products: [
        // The core lifecycle library an application's `main` uses.
        .library(name: "StewardCore", targets: ["StewardCore"]),
        // Test kit for users of StewardCore: a manual clock and an event-trace recorder.
        .library(name: "StewardTesting", targets: ["StewardTesting"]),
        // OS processes: spawning, the single reaper (PID 1 / subreaper duties).
        .library(name: "StewardProcesses", targets: ["StewardProcesses"]),
        // The supervisor: config file, readiness and liveness probes, the steward engine.
        .library(name: "StewardSupervisor", targets: ["StewardSupervisor"]),
        // Background jobs: on demand, later, every interval or by cron; runs with logs and progress.
        .library(name: "StewardJobs", targets: ["StewardJobs"]),
        // The run journal: durable runs, logs and job state in SQLite, readable from other processes.
        .library(name: "StewardJournal", targets: ["StewardJournal"]),
        // The shared journal on PostgreSQL (libpq): several stewards, one journal, each fire run once.
        .library(name: "StewardPostgres", targets: ["StewardPostgres"]),
        // The HTTP server (mount /livez, /readyz, /events in your own app).
        .library(name: "StewardHTTP", targets: ["StewardHTTP"]),
        // steward's control API and the web monitor (mount MonitorRoutes in your own app's router).
        .library(name: "StewardControl", targets: ["StewardControl"]),
        .executable(name: "steward", targets: ["steward"]),
        .executable(name: "lifecycle-demo", targets: ["LifecycleDemo"]),
    ],
    targets: [
        // Thin C shims for what Swift cannot call safely (signal handlers, variadic prctl).
        .target(name: "CStewardSystem"),
        .target(
            name: "StewardCore",
            dependencies: ["CStewardSystem"]
        ),
        .target(
            name: "StewardProcesses",
            dependencies: ["StewardCore", "CStewardSystem"]
        ),
        .target(
            name: "StewardSupervisor",
            dependencies: ["StewardJournal", "StewardPostgres", "StewardJobs", "StewardProcesses", "StewardCore", "CStewardSystem"]
        ),
        // Background jobs: definitions, schedules (cron with seconds and zones), runs, the scheduler.
        .target(
            name: "StewardJobs",
            dependencies: ["StewardCore", "StewardProcesses", "CStewardSystem"]
        ),
        // The system SQLite library (libsqlite3-dev), through a thin C header.
        .target(
            name: "CSQLite",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // The OS's PostgreSQL client library (libpq.so.5), loaded with dlopen when a shared journal
        // first connects: nothing to link, so images with an SQLite journal need no libpq.
        .target(
            name: "CLibPQ",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // The shared journal on PostgreSQL: a JournalBackend and SharedRunStore over libpq
        // (connections on their own threads, LISTEN/NOTIFY, migrations safe for concurrent nodes).
        .target(
            name: "StewardPostgres",
            dependencies: ["StewardJournal", "StewardJobs", "StewardCore", "CStewardSystem", "CLibPQ"]
        ),
        // The run journal: a RunStore on SQLite (WAL, migrations, one writer thread, retention).
        .target(
            name: "StewardJournal",
            dependencies: ["StewardJobs", "StewardCore", "CSQLite"]
        ),
        // An event-driven HTTP/1.1 server on POSIX sockets (epoll), mountable in any lifecycle.
        .target(
            name: "StewardHTTP",
            dependencies: ["StewardCore", "CStewardSystem"]
        ),
        // The control plane: status, metrics, probes over HTTP, the control socket.
        .target(
            name: "StewardControl",
            dependencies: ["StewardJournal", "StewardHTTP", "StewardSupervisor", "StewardProcesses", "StewardCore", "CStewardSystem"],
            // The monitor's page, compiled into the binary as byte arrays (no bundle, no files at run time).
            resources: [
                .embedInCode("Monitor/Files/index.html"),
                .embedInCode("Monitor/Files/app.css"),
                .embedInCode("Monitor/Files/api.js"),
                .embedInCode("Monitor/Files/app.js"),
                .embedInCode("Monitor/Files/dom.js"),
                .embedInCode("Monitor/Files/jobs.js"),
                .embedInCode("Monitor/Files/live.js"),
                .embedInCode("Monitor/Files/logs.js"),
                .embedInCode("Monitor/Files/runs.js"),
                .embedInCode("Monitor/Files/system.js"),
            ]
        ),
        // The command line: argument parsing and the commands (run, check, exec, …).
        .target(
            name: "StewardCLI",
            dependencies: ["StewardJournal", "StewardPostgres", "StewardControl", "StewardHTTP", "StewardJobs", "StewardSupervisor", "StewardProcesses", "StewardCore", "CStewardSystem"]
        ),
        .executableTarget(
            name: "steward",
            dependencies: ["StewardCLI", "StewardCore"]
        ),
        .target(
            name: "StewardTesting",
            dependencies: ["StewardCore"]
        ),
        .executableTarget(
            name: "LifecycleDemo",
            dependencies: ["StewardCore", "StewardJobs", "StewardJournal"],
            path: "Examples/LifecycleDemo"
        ),
        // A child program the signal tests start and signal for real.
        .executableTarget(
            name: "steward-lifecycle-fixture",
            dependencies: ["StewardCore"],
            path: "Tests/Fixtures/LifecycleFixture"
        ),
        // A child program that runs on StewardExecutor, for the executor tests.
        .executableTarget(
            name: "steward-executor-fixture",
            dependencies: ["StewardCore", "StewardProcesses"],
            path: "Tests/Fixtures/ExecutorFixture"
        ),
        // Shared by the test targets (not a product): real child processes through the reaper.
        .target(
            name: "TestSupport",
            dependencies: ["StewardProcesses", "StewardCore", "StewardTesting", "CStewardSystem"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "StewardCoreTests",
            dependencies: ["StewardCore", "StewardTesting", "TestSupport", "steward-lifecycle-fixture", "steward-executor-fixture"]
        ),
        .testTarget(
            name: "StewardProcessesTests",
            dependencies: ["StewardProcesses", "StewardCore", "StewardTesting", "TestSupport", "CStewardSystem"]
        ),
        .testTarget(
            name: "StewardJobsTests",
            dependencies: ["StewardJobs", "StewardCore", "StewardTesting"]
        ),
        .testTarget(
            name: "StewardJournalTests",
            dependencies: ["StewardJournal", "StewardJobs", "StewardCore", "TestSupport"]
        ),
        .testTarget(
            name: "StewardPostgresTests",
            dependencies: ["StewardPostgres", "StewardJournal", "StewardJobs", "StewardProcesses", "StewardCore", "TestSupport"]
        ),
        .testTarget(
            name: "StewardHTTPTests",
            dependencies: ["StewardHTTP", "StewardCore", "TestSupport"]
        ),
        .testTarget(
            name: "StewardControlTests",
            dependencies: ["StewardControl", "StewardCLI", "StewardJobs", "StewardSupervisor", "StewardCore", "StewardTesting", "TestSupport", "steward"],
            // Driven from the tests by path (python3 with selenium and chromium), not compiled.
            exclude: ["Monitor/Scripts"]
        ),
        .testTarget(
            name: "StewardSupervisorTests",
            dependencies: ["StewardSupervisor", "StewardCLI", "StewardProcesses", "StewardCore", "StewardTesting", "TestSupport", "steward"],
            // Driven from the tests by path (python3 with pexpect), not compiled.
            exclude: ["Faults/Scripts"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
