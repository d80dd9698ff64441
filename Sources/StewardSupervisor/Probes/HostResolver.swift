import StewardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Turns a probe's `host:port` into socket addresses without ever blocking a shared thread.
///
/// `getaddrinfo(3)` blocks for as long as the resolver takes: seconds per attempt, minutes with a
/// nameserver that never answers. A numeric address is resolved at once (`AI_NUMERICHOST`, no
/// I/O). A name is looked up on a thread of its own while the probe waits at most its timeout;
/// a lookup still in flight is shared by every probe of the same name, so a resolver that hangs
/// costs one thread per name, not one per probe interval.
final class HostResolver: Sendable {
    /// The resolver of this process.
    static let shared = HostResolver()

    /// One socket address, copied out of `addrinfo`.
    struct Address: Sendable {
        let family: Int32
        let bytes: [UInt8]
    }

    /// Why no address came back.
    enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The resolver answered that the name does not resolve (its message).
        case unresolved(String)
        /// The resolver did not answer within the probe's timeout.
        case timedOut(Duration)

        var description: String {
            switch self {
            case .unresolved(let reason): reason
            case .timedOut(let limit): "name resolution did not answer within \(limit.compactDescription)"
            }
        }
    }

    /// The blocking lookup; the real one unless a test injects another.
    typealias Lookup = @Sendable (_ host: String, _ port: UInt16, _ numericOnly: Bool) -> Result<[Address], Failure>

    private let lookup: Lookup
    private let inFlight = Mutex<[String: PendingLookup]>([:])

    init(lookup: @escaping Lookup = HostResolver.getaddrinfoLookup) {
        self.lookup = lookup
    }

    /// The addresses of `host:port`, or why there are none, within `timeout`.
    func resolve(_ host: String, port: UInt16, timeout: Duration) async -> Result<[Address], Failure> {
        let numeric = lookup(host, port, true)
        if case .success = numeric { return numeric }
        let key = "\(host)|\(port)"
        let (pending, start) = inFlight.withLock { table -> (PendingLookup, Bool) in
            if let existing = table[key] { return (existing, false) }
            let fresh = PendingLookup()
            table[key] = fresh
            return (fresh, true)
        }
        if start {
            let lookup = self.lookup
            let spawned = DetachedThread.spawn(name: "steward-resolve") { [self] in
                let result = lookup(host, port, false)
                inFlight.withLock { table in if table[key] === pending { table[key] = nil } }
                pending.finish(result)
            }
            if case .failure(let error) = spawned {
                inFlight.withLock { table in if table[key] === pending { table[key] = nil } }
                pending.finish(.failure(.unresolved("cannot start a resolver thread: \(error)")))
            }
        }
        return await pending.result(within: timeout)
    }

    /// A lookup in flight: its result once it has one, for every probe waiting on it.
    private final class PendingLookup: Sendable {
        private let done = Latch()
        private let value = Mutex<Result<[Address], Failure>?>(nil)

        func finish(_ result: Result<[Address], Failure>) {
            value.withLock { $0 = result }
            done.fire()
        }

        func result(within timeout: Duration) async -> Result<[Address], Failure> {
            let finished = await withTaskGroup(of: Bool.self) { group in
                group.addTask { await self.done.wait(); return true }
                group.addTask { (try? await Task.sleep(for: timeout)) != nil ? false : true }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            guard finished, let result = value.withLock({ $0 }) else { return .failure(.timedOut(timeout)) }
            return result
        }
    }

    /// `getaddrinfo(3)` for TCP; `numericOnly` never touches the network or a file.
    static let getaddrinfoLookup: Lookup = { host, port, numericOnly in
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : 0)
        var results: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &results)
        guard code == 0 else { return .failure(.unresolved("cannot resolve \(host): \(String(cString: gai_strerror(code)))")) }
        defer { freeaddrinfo(results) }
        var addresses: [Address] = []
        var candidate = results
        while let info = candidate {
            candidate = info.pointee.ai_next
            guard let raw = info.pointee.ai_addr else { continue }
            let bytes = [UInt8](UnsafeRawBufferPointer(start: UnsafeRawPointer(raw), count: Int(info.pointee.ai_addrlen)))
            addresses.append(Address(family: info.pointee.ai_family, bytes: bytes))
        }
        return addresses.isEmpty ? .failure(.unresolved("\(host) has no address")) : .success(addresses)
    }
}
