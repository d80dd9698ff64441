import Foundation
import StewardPostgres
import Synchronization
import TestSupport

/// One server for the tests that do not stop or restart theirs: each test gets a database of its
/// own on it (a `CREATE DATABASE` instead of an `initdb` and a server start), at most three tests
/// at once. The server starts with the first test that asks and stops once no test holds a
/// database (a later test starts it again).
actor SharedPostgresServer {
    static let shared = SharedPostgresServer()

    private var server: TestPostgresServer?
    private var starting: Task<Void, any Error>?
    private var users = 0
    private var created = 0
    private let tickets = ServerSlots(limit: 3)

    /// A fresh database, the server started if needed. Release it with ``SharedDatabase/release()``.
    func database() async throws -> SharedDatabase {
        let ticket = await tickets.acquire()
        users += 1
        do {
            while server == nil {
                if let starting {
                    try await starting.value
                } else {
                    let task = Task { self.server = try await TestPostgresServer(maxConnections: 300) }
                    starting = task
                    defer { starting = nil }
                    try await task.value
                }
            }
            guard let server else { throw TestSupportError("the shared server went away") }
            created += 1
            let name = try await server.createDatabase("t\(created)")
            return SharedDatabase(name: name, socketConnection: server.socketConnection(database: name), port: server.port,
                                  url: server.url(database: name), passwordURL: server.url(database: name, password: TestPostgresServer.password),
                                  ticket: ticket)
        } catch {
            await released()
            throw error
        }
    }

    /// A database was given back: the server stops when it was the last.
    func released() async {
        users -= 1
        guard users == 0, let server else { return }
        self.server = nil
        await server.stop()
    }
}

/// A database of its own on ``SharedPostgresServer``, for one test.
final class SharedDatabase: Sendable {
    /// Its name.
    let name: String
    /// A keyword string over the server's Unix socket (trusted).
    let socketConnection: String
    /// The server's TCP port.
    let port: Int
    /// A URL over TCP without a password.
    let url: String
    /// A URL over TCP with the right password.
    let passwordURL: String
    private let ticket: ServerSlots.Ticket
    private let isReleased = Atomic<Bool>(false)

    init(name: String, socketConnection: String, port: Int, url: String, passwordURL: String, ticket: ServerSlots.Ticket) {
        self.name = name
        self.socketConnection = socketConnection
        self.port = port
        self.url = url
        self.passwordURL = passwordURL
        self.ticket = ticket
    }

    /// Gives the database back (the server stops when no test holds one).
    func release() async {
        guard !isReleased.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await SharedPostgresServer.shared.released()
    }

    deinit {
        // A test that threw before releasing.
        if !isReleased.exchange(true, ordering: .acquiringAndReleasing) {
            Task { await SharedPostgresServer.shared.released() }
        }
    }
}
