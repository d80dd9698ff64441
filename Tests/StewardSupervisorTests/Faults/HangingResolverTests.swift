import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Fault: a name resolver that never answers", .timeLimit(.minutes(1)))
struct HangingResolverTests {
    /// A UDP socket on 127.0.0.7:53 that never reads: queries sent to it are never answered.
    static func blackHole() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(53).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.7")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw TestSupportError("bind 127.0.0.7:53: errno \(errno)")
        }
        return fd
    }

    /// Fault: a probe names a host and the nameserver never answers. Before, `getaddrinfo` ran
    /// on the shared async threads, outside the probe's timeout: the probe hung for the
    /// resolver's whole retry budget (here 30 s × 5 attempts) and took a pool thread with it.
    /// steward runs in a mount namespace of its own whose /etc/resolv.conf names the black hole.
    @Test("a readiness probe on a name that never resolves fails within its timeout; the other process is unaffected")
    func probeTimesOut() async throws {
        let hole = try Self.blackHole()
        defer { close(hole) }
        let directory = try TemporaryDirectory("resolver")
        try Fault.write("nameserver 127.0.0.7\noptions timeout:30 attempts:5\n", to: directory.file("resolv.conf"))
        let config = directory.file("steward.json5")
        try Fault.write("""
        { processes: {
            other: { command: ["sh", "-c", "echo $$ > \(directory.file("other.pid")); exec sleep 600"], ready: { exec: ["true"], interval: "50ms" } },
            web: { command: ["sleep", "600"], ready: { tcp: "blackhole.steward.test:80", timeout: "300ms", interval: "100ms", retries: 3 }, restart: { policy: "never" } },
        } }
        """, to: config)
        let script = "mount --bind \(directory.file("resolv.conf")) /etc/resolv.conf && exec \(Fault.steward) run \(config)"
        let steward = try ChildProgram(["unshare", "--mount", "sh", "-c", script], environment: ChildProgram.isolatedEnvironment())
        #expect(await steward.waitUntil(seconds: 20) { $0.contains { $0.contains("name resolution did not answer within 300ms") } },
                "\(steward.lines.suffix(10))")
        // (The deadline above is the bound: the resolver would have kept the probe for 150 s.)
        #expect(steward.lines.contains { $0.contains("ready") && $0.contains("process=other") }, "\(steward.lines)")
        // web never became ready: the startup fails and steward ends, without hanging.
        let status = await steward.waitForExit(seconds: 20)
        #expect(status != nil && status != .exited(0), "\(String(describing: status))")
    }
}
