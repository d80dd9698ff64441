import StewardProcesses
import StewardSupervisor
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Probe checks", .timeLimit(.minutes(1)))
struct ProbeCheckTests {
    static let environment = ["PATH": "/usr/bin:/bin"]

    @Test("tcp passes on a listening port and fails on a closed one")
    func tcp() async throws {
        let listener = try Listener()
        #expect(await ProbeCheck.tcp(host: "127.0.0.1", port: listener.port).perform(timeout: .seconds(2)).passed)
        withExtendedLifetime(listener) {}  // keep it listening until the probe is done
        let closedPort = try Listener().port  // bound and closed again at once: nothing listens there
        let result = await ProbeCheck.tcp(host: "127.0.0.1", port: closedPort).perform(timeout: .seconds(2))
        #expect(result == .fail("cannot connect to 127.0.0.1:\(closedPort)"))
    }

    @Test("http counts 2xx/3xx as success and reports other statuses; a silent server times out")
    func http() async throws {
        let directory = "/tmp/steward-http-\(getpid())"
        mkdir(directory, 0o755)
        defer { _ = directory.withCString { rmdir($0) } }
        // The server binds port 0 and prints the port the kernel gave it: no window in which
        // another test could take a port picked beforehand.
        let server = try ChildProgram(["python3", "-u", "-c", """
            import functools, http.server
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory="\(directory)")
            server = http.server.HTTPServer(("127.0.0.1", 0), handler)
            print("port", server.server_address[1])
            server.serve_forever()
            """], environment: Self.environment)
        defer { server.signal(SIGKILL) }
        #expect(await server.waitUntil { $0.contains { $0.hasPrefix("port ") } }, "server output: \(server.lines)")
        let probePort = try #require(server.lines.first { $0.hasPrefix("port ") }.flatMap { UInt16($0.dropFirst(5)) })
        let ok = ProbeCheck.http(host: "127.0.0.1", port: probePort, path: "/")
        let deadline = ChildProgram.monotonicMilliseconds() + 20_000
        var result = await ok.perform(timeout: .seconds(1))
        while !result.passed, ChildProgram.monotonicMilliseconds() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            result = await ok.perform(timeout: .seconds(1))
        }
        #expect(result == .pass("HTTP 200"))
        #expect(await ProbeCheck.http(host: "127.0.0.1", port: probePort, path: "/missing").perform(timeout: .seconds(10)) == .fail("HTTP 404"))

        let silent = try Listener()  // accepts (backlog) but never answers
        let timedOut = await ProbeCheck.http(host: "127.0.0.1", port: silent.port, path: "/").perform(timeout: .milliseconds(200))
        withExtendedLifetime(silent) {}  // Swift may free it after its last use: keep the port open
        // Usually "no response"; on a loaded machine the 200 ms may already run out while connecting.
        #expect(timedOut == .fail("no response within 200ms") || timedOut == .fail("cannot connect to 127.0.0.1:\(silent.port)"))
    }

    @Test("exec passes on exit 0, fails with the status, and kills a command that outlives the timeout")
    func exec() async {
        #expect(await ProbeCheck.exec(["true"], environment: Self.environment).perform(timeout: .seconds(5)).passed)
        #expect(await ProbeCheck.exec(["sh", "-c", "exit 4"], environment: Self.environment).perform(timeout: .seconds(5)) == .fail("exited 4"))
        #expect(await ProbeCheck.exec(["sleep", "30"], environment: Self.environment).perform(timeout: .milliseconds(200))
            == .fail("timed out after 200ms"))
        #expect(await ProbeCheck.exec(["no-such-probe"], environment: Self.environment).perform(timeout: .seconds(1)).passed == false)
    }

    @Test("s6-style notification: a newline on the descriptor means ready; exiting silently does not")
    func descriptorNotification() async throws {
        let channel = try ReadinessNotification.descriptor(3)
        let child = try ChildProgram(["sh", "-c", "sleep 0.1; echo >&3; exec sleep 30"], environment: Self.environment,
                                     extra: channel.descriptors)
        channel.childStarted(pid: child.pid)
        #expect(await channel.waitUntilReady(timeout: .seconds(10)))
        child.signal(SIGKILL)

        let silent = try ReadinessNotification.descriptor(5)
        let quitter = try ChildProgram(["sh", "-c", "exit 0"], environment: Self.environment, extra: silent.descriptors)
        silent.childStarted(pid: quitter.pid)
        #expect(await silent.waitUntilReady(timeout: .seconds(10)) == false)
        _ = await quitter.waitForExit()
    }

    @Test("systemd-style notification: READY=1 on NOTIFY_SOCKET")
    func systemdNotification() async throws {
        let channel = try ReadinessNotification.systemd(name: "web")
        #expect(channel.environment["NOTIFY_SOCKET"]?.hasPrefix("@steward/") == true)
        let script = """
        import os, socket
        address = os.environ["NOTIFY_SOCKET"]
        if address.startswith("@"): address = "\\0" + address[1:]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(b"STATUS=warming up", address)
        s.sendto(b"READY=1\\nSTATUS=serving", address)
        """
        // The sender is the child's child (sh runs python3): descendants may notify.
        let child = try ChildProgram(["sh", "-c", "python3 -c '\(script)'; exit 0"],
                                     environment: Self.environment.merging(channel.environment) { a, _ in a })
        channel.childStarted(pid: child.pid, uid: getuid())
        #expect(await channel.waitUntilReady(timeout: .seconds(10)))
        #expect(await child.waitForExit() == .exited(0))
        #expect(channel.rejectedMessages == 0)  // the sender may be gone by the time it is read: same uid, accepted
    }

    /// Fault: any local process can find an abstract socket's name (/proc/net/unix) and send
    /// READY=1 to it. Before, steward believed it and opened the gate for the next group.
    @Test("a READY=1 from another user's process, or from a live process outside the child's tree, is ignored")
    func spoofedNotification() async throws {
        let channel = try ReadinessNotification.systemd(name: "web")
        let sendReady = """
        import os, socket, sys, time
        address = os.environ["NOTIFY_SOCKET"]
        if address.startswith("@"): address = "\\0" + address[1:]
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", address)
        print("sent", flush=True)
        if len(sys.argv) > 1: time.sleep(30)
        """
        let environment = Self.environment.merging(channel.environment) { a, _ in a }
        let child = try ChildProgram(["sleep", "30"], environment: environment)  // never ready by itself
        channel.childStarted(pid: child.pid, uid: getuid())
        // Another user knows the name, sends, and is gone before steward reads.
        let stranger = try ChildProgram(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "python3", "-c", sendReady],
                                        environment: environment)
        #expect(await stranger.waitForExit() == .exited(0), "\(stranger.lines)")
        // A process of the same user, alive, but not descended from the child.
        let neighbour = try ChildProgram(["python3", "-c", sendReady, "stay"], environment: environment)
        #expect(await neighbour.waitForLine("sent"))
        // Waiting reads the messages; on a loaded machine the second may come a while later.
        // Neither may count.
        let deadline = ChildProgram.monotonicMilliseconds() + 20_000
        repeat {
            #expect(await channel.waitUntilReady(timeout: .milliseconds(200)) == false)
        } while channel.rejectedMessages < 2 && ChildProgram.monotonicMilliseconds() < deadline
        #expect(channel.rejectedMessages == 2)
        neighbour.signal(SIGKILL)
        child.signal(SIGKILL)
        _ = await child.waitForExit()
        _ = await neighbour.waitForExit()
    }
}
