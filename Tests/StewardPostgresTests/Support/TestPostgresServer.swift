import Foundation
import StewardPostgres
import TestSupport

/// A throwaway PostgreSQL server for one test: `initdb` into a temporary directory, then
/// `postgres` on a Unix socket in that directory and a free port on 127.0.0.1, with fsync off.
/// Both run as `nobody` (65534), since PostgreSQL refuses to run as root and the tests may.
/// Local (socket) logins are trusted; TCP logins need the password ``password``.
///
/// A server that cannot be started throws, so the test fails: these tests never skip.
///
/// Used by one test at a time (or by ``SharedPostgresServer``'s actor), hence `@unchecked Sendable`.
final class TestPostgresServer: @unchecked Sendable {
    /// Debian's PostgreSQL binaries: the newest `/usr/lib/postgresql/N/bin` with an `initdb`.
    static let binaries: String = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
        return "\(root)/\(versions.max() ?? 15)/bin"
    }()
    /// The superuser the cluster is created with.
    static let user = "steward"
    /// The superuser's password (TCP logins).
    static let password = "s3cret pass"

    let directory: TemporaryDirectory
    let port: Int
    private(set) var process: ChildProgram?
    /// One of ``ServerSlots``' slots, given back when this object (or a failed init) lets go of it.
    private let slot: ServerSlots.Ticket
    /// The most connections the server accepts.
    let maxConnections: Int

    var dataDirectory: String { directory.file("data") }
    var socketDirectory: String { directory.path }
    var logFile: String { directory.file("server.log") }

    /// Creates the cluster and starts the server; returns once it accepts connections. Waits
    /// first for one of ``ServerSlots``' slots, held until the object goes away.
    init(maxConnections: Int = 60) async throws {
        self.maxConnections = maxConnections
        slot = await ServerSlots.shared.acquire()
        directory = try TemporaryDirectory("pg")
        guard chown(directory.path, 65534, 65534) == 0 else { throw TestSupportError("chown \(directory.path): errno \(errno)") }
        port = try Self.freePort()
        let passwordFile = directory.file("pwfile")
        try Self.password.write(toFile: passwordFile, atomically: false, encoding: .utf8)
        chmod(passwordFile, 0o644)
        let initdb = try ChildProgram(
            ["\(Self.binaries)/initdb", "-D", dataDirectory, "-U", Self.user, "--auth-local=trust",
             "--auth-host=scram-sha-256", "--pwfile=\(passwordFile)", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
            workingDirectory: directory.path, credentials: (65534, 65534))
        let status = await initdb.waitForExit(seconds: 60)
        guard status?.exitCode == 0 else {
            throw TestSupportError("initdb failed (\(String(describing: status))): \(initdb.lines.suffix(10).joined(separator: "\n"))")
        }
        try await start()
    }

    /// Starts the server on the existing cluster (again, after ``stop()``).
    func start() async throws {
        let command = "exec \(Self.binaries)/postgres -D '\(dataDirectory)' -p \(port) -k '\(socketDirectory)'"
            + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            + " -c max_connections=\(maxConnections) -c shared_buffers=16MB >> '\(logFile)' 2>&1"
        let server = try ChildProgram(["/bin/sh", "-c", command], workingDirectory: directory.path, credentials: (65534, 65534))
        process = server
        let ready = await eventually(seconds: 30) {
            if server.handle.exitStatus != nil { return true }
            return ((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "").components(separatedBy: "\n")
                .last { $0.contains("database system is ready to accept connections") } != nil
                && FileManager.default.fileExists(atPath: "\(socketDirectory)/.s.PGSQL.\(port)")
        }
        guard ready, server.handle.exitStatus == nil else {
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "(no log)"
            throw TestSupportError("the PostgreSQL server did not start: \(log.suffix(2000))")
        }
    }

    /// Stops the server (fast shutdown: connections are closed) and waits for it to exit.
    func stop() async {
        guard let process else { return }
        process.signal(SIGINT)
        _ = await process.waitForExit(seconds: 30)
        self.process = nil
    }

    /// A keyword string for a database over the Unix socket (trusted, no password).
    func socketConnection(database: String = "postgres") -> String {
        "host=\(socketDirectory) port=\(port) user=\(Self.user) dbname=\(database)"
    }

    /// A URL for a database over TCP, with `password` (percent-encoded) in it when given.
    func url(database: String = "postgres", password: String? = nil) -> String {
        let secret = password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
        return "postgresql://\(Self.user)\(secret)@127.0.0.1:\(port)/\(database)"
    }

    /// Creates a fresh database and returns its name, so tests on one server do not share tables.
    func createDatabase(_ name: String) async throws -> String {
        let connection = try PostgresConnection(try PostgresConfiguration(parsing: socketConnection()))
        try await connection.query("CREATE DATABASE \(name)")
        await connection.close()
        return name
    }

    /// A port on 127.0.0.1 nothing listens on now (bound, read and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw TestSupportError("bind: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        // The server and its backends share the process group the reaper gave it.
        if let process, process.handle.exitStatus == nil { kill(-process.pid, SIGKILL) }
    }
}
