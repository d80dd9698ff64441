import Testing
@testable import StewardSupervisor

@Suite("Config errors: key path, exact message, line and column")
struct ConfigErrorTests {
    static let processKeys = "command, critical, cwd, env, envFile, group, health, log, oneshot, priority, ready, restart, startupTimeout, stopSignal, stopTimeout, user"

    @Test("unknown keys at the top, process and probe levels list what is expected")
    func unknownKeys() {
        #expect(problems(in: #"{ shutdownTimout: "10s" }"#) == [
            "shutdownTimout: unknown key (expected one of: control, http, jobs, journal, processes, shutdownTimeout, zone) (line 1, column 3)",
        ])
        #expect(problems(in: webProcess(#"colour: "red""#)) == [
            "processes.web.colour: unknown key (expected one of: \(Self.processKeys)) (line 1, column 43)",
        ])
        #expect(problems(in: webProcess(#"ready: { tcp: ":80", intervall: "1s" }"#)) == [
            "processes.web.ready.intervall: unknown key (expected one of: delay, exec, failureThreshold, http, interval, "
                + "notify, retries, startPeriod, tcp, timeout) (line 1, column 64)",
        ])
        #expect(problems(in: #"{ http: { listen: ":1", tls: true } }"#) == [
            "http.tls: unknown key (expected one of: listen, token) (line 1, column 25)",
        ])
        #expect(problems(in: webProcess(#"restart: { policy: "always", jitter: 0.5 }"#)) == [
            "processes.web.restart.jitter: unknown key (expected one of: backoff, maxBackoff, maxRestarts, policy, window) (line 1, column 72)",
        ])
    }

    @Test("wrong types name what was expected and what was found")
    func wrongTypes() {
        #expect(problems(in: webProcess(#"priority: "1""#)) == [
            #"processes.web.priority: expected an integer, found a string ("1") (line 1, column 43)"#,
        ])
        #expect(problems(in: webProcess("priority: 1.5")) == [
            "processes.web.priority: expected an integer, found a number (1.5) (line 1, column 43)",
        ])
        #expect(problems(in: webProcess(#"oneshot: "yes""#)) == [
            #"processes.web.oneshot: expected a boolean (true or false), found a string ("yes") (line 1, column 43)"#,
        ])
        #expect(problems(in: webProcess("env: { PORT: 8080 }")) == [
            "processes.web.env.PORT: expected a string, found a number (8080) (line 1, column 50)",
        ])
        #expect(problems(in: webProcess("ready: []")) == [
            "processes.web.ready: expected an object, found an array (line 1, column 43)",
        ])
        #expect(problems(in: #"{ processes: { web: { command: "./web --port 80" } } }"#) == [
            #"processes.web.command: expected an array of strings (an argv), found a string ("./web --port 80"); "#
                + #"to use a shell, write ["sh", "-c", "..."] (line 1, column 23)"#,
        ])
        #expect(problems(in: #"{ processes: { web: { command: ["./web", 80] } } }"#) == [
            "processes.web.command[1]: expected a string, found a number (80) (line 1, column 42)",
        ])
        #expect(problems(in: "{ http: true, processes: [] }") == [
            "http: expected an object, found a boolean (true) (line 1, column 3)",
            "processes: expected an object of processes by name, found an array (line 1, column 15)",
        ])
        #expect(problems(in: "{ jobs: null }") == ["jobs: expected an object of jobs by name, found null (line 1, column 3)"])
        #expect(problems(in: "[1, 2]") == ["expected an object, found an array (line 1, column 1)"])
    }

    @Test("durations must be strings in the duration syntax")
    func durations() {
        #expect(problems(in: "{ shutdownTimeout: 30 }") == [
            #"shutdownTimeout: expected a duration string such as "10s", found a number (30); write "30s" (line 1, column 3)"#,
        ])
        #expect(problems(in: webProcess(#"stopTimeout: "10 sec""#)) == [
            #"processes.web.stopTimeout: invalid duration "10 sec" at position 2: expected a unit (ns, us, ms, s, m, h, d) after 10 (line 1, column 43)"#,
        ])
        #expect(problems(in: webProcess(#"ready: { delay: "5x" }"#)) == [
            #"processes.web.ready.delay: invalid duration "5x" at position 1: unknown unit "x" (use ns, us, ms, s, m, h or d) (line 1, column 52)"#,
        ])
        #expect(problems(in: #"{ shutdownTimeout: "0s" }"#) == ["shutdownTimeout: must be longer than 0s (line 1, column 3)"])
    }

    @Test("signals, URLs, addresses, sizes and policies are validated")
    func values() {
        #expect(problems(in: webProcess(#"stopSignal: "SIGFOO""#)) == [
            #"processes.web.stopSignal: unknown signal "SIGFOO" (expected a name such as "SIGTERM" or "INT") (line 1, column 43)"#,
        ])
        #expect(problems(in: webProcess(#"ready: { http: "htp:/x" }"#)) == [
            #"processes.web.ready.http: not a URL ("htp:/x") (line 1, column 52)"#,
        ])
        #expect(problems(in: webProcess(#"health: { http: "https://web/health" }"#)) == [
            #"processes.web.health.http: https is not supported ("https://web/health"); use an http:// URL (line 1, column 53)"#,
        ])
        #expect(problems(in: webProcess(#"ready: { http: "http://web:99999/" }"#)) == [
            #"processes.web.ready.http: invalid port "99999" in "http://web:99999/" (expected 1-65535) (line 1, column 52)"#,
        ])
        #expect(problems(in: webProcess(#"ready: { tcp: "6380" }"#)) == [
            #"processes.web.ready.tcp: not a host:port address ("6380") (line 1, column 52)"#,
        ])
        #expect(problems(in: #"{ http: { listen: "::1:9100" } }"#) == [
            #"http.listen: not a host:port address ("::1:9100"): write IPv6 addresses in brackets, as [::1]:9100 (line 1, column 11)"#,
        ])
        #expect(problems(in: webProcess(#"log: { maxSize: "10XB" }"#)) == [
            #"processes.web.log.maxSize: invalid size "10XB" (expected a number of bytes or a size such as "64KB", "10MB", "1GB") (line 1, column 50)"#,
        ])
        #expect(problems(in: webProcess(#"restart: { policy: "sometimes" }"#)) == [
            #"processes.web.restart.policy: unknown policy "sometimes" (expected one of "never", "on-failure", "always") (line 1, column 54)"#,
        ])
        #expect(problems(in: webProcess(#"restart: { backoff: "1m" }"#)) == [
            "processes.web.restart.backoff: maxBackoff (30s) must not be shorter than backoff (1m) (line 1, column 54)",
        ])
    }

    @Test("priorities and retries are bounded, so that run's arithmetic on them cannot overflow (it crashed on Int.max)")
    func boundedIntegers() {
        #expect(problems(in: webProcess("priority: 9223372036854775807")) == [
            "processes.web.priority: must be at most 2147483647, found 9223372036854775807 (line 1, column 43)",
        ])
        #expect(problems(in: webProcess("priority: -2147483649")) == [
            "processes.web.priority: must be at least -2147483648, found -2147483649 (line 1, column 43)",
        ])
        #expect(problems(in: #"{ jobs: { j: { command: ["true"], retries: 9223372036854775807 } } }"#) == [
            "jobs.j.retries: must be at most 1000000, found 9223372036854775807 (line 1, column 35)",
        ])
        #expect((try? parseConfig(webProcess("priority: -2147483648")))?.processes.first?.priority == -2_147_483_648)
    }

    @Test("commands must be non-empty argv arrays of non-empty strings, and are required")
    func commands() {
        #expect(problems(in: #"{ processes: { web: { command: [] } } }"#) == [
            "processes.web.command: must not be empty (expected at least the program to run) (line 1, column 23)",
        ])
        #expect(problems(in: #"{ processes: { web: { command: ["./web", ""] } } }"#) == [
            "processes.web.command[1]: must not be empty (line 1, column 42)",
        ])
        #expect(problems(in: #"{ processes: { web: { priority: 1 } } }"#) == [
            "processes.web.command: required key is missing (line 1, column 16)",
        ])
        #expect(problems(in: #"{ processes: { "my web": { command: ["w"] } } }"#) == [
            #"processes.my web: invalid process name (use letters, digits, "_", "." and "-") (line 1, column 16)"#,
        ])
    }

    @Test("a probe holds exactly one check kind")
    func checkKinds() {
        #expect(problems(in: webProcess(#"ready: { tcp: ":80", http: "http://x/" }"#)) == [
            "processes.web.ready: expected exactly one check, found 2: tcp, http (line 1, column 43)",
        ])
        #expect(problems(in: webProcess(#"ready: { interval: "1s" }"#)) == [
            "processes.web.ready: expected exactly one check (one of: tcp, http, exec, notify, delay), found none (line 1, column 43)",
        ])
        #expect(problems(in: webProcess(#"health: { notify: "systemd", retries: 3 }"#)) == [
            "processes.web.health: expected exactly one check (one of: tcp, http, exec), found none (line 1, column 43)",
            "processes.web.health.notify: notify is a readiness check; it cannot be used in health (line 1, column 53)",
            "processes.web.health.retries: retries applies to readiness probes; use failureThreshold in health (line 1, column 72)",
        ])
        #expect(problems(in: webProcess("ready: { notify: { fd: 2 } }")) == [
            "processes.web.ready.notify.fd: must be at least 3 (0, 1 and 2 are stdin, stdout and stderr), found 2 (line 1, column 62)",
        ])
        #expect(problems(in: webProcess(#"ready: { notify: "s6" }"#)) == [
            #"processes.web.ready.notify: expected "systemd" or { fd: N }, found a string ("s6") (line 1, column 52)"#,
        ])
    }

    @Test("a oneshot process may have neither a liveness probe nor restart policy always")
    func oneshot() {
        #expect(problems(in: #"{ processes: { init: { command: ["i"], oneshot: true, health: { exec: ["c"] }, restart: { policy: "always" } } } }"#) == [
            "processes.init.health: a oneshot process cannot have a liveness probe (it is expected to exit) (line 1, column 55)",
            #"processes.init.restart.policy: a oneshot process cannot use policy "always" (it must exit for startup to go on) (line 1, column 91)"#,
        ])
    }

    @Test("an unknown user or group is an error")
    func accounts() {
        #expect(problems(in: webProcess(#"user: "steward-no-such-user", group: "steward-no-such-group""#)) == [
            #"processes.web.group: unknown group "steward-no-such-group" (line 1, column 73)"#,
            #"processes.web.user: unknown user "steward-no-such-user" (line 1, column 43)"#,
        ])
    }

    @Test("envFile must exist and parse; its syntax errors show file:line:column")
    func envFiles() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        try directory.write("bad.env", "GOOD=1\n9LIVES=x\n")
        #expect(problems(in: webProcess(#"envFile: "missing.env""#), baseDirectory: directory.path) == [
            #"processes.web.envFile: file not found ("\#(directory.path)/missing.env") (line 1, column 43)"#,
        ])
        #expect(problems(in: webProcess(#"envFile: "bad.env""#), baseDirectory: directory.path) == [
            "processes.web.envFile: \(directory.path)/bad.env:2:1: expected a variable name (letters, digits, \"_\", "
                + "not starting with a digit) (line 1, column 43)",
        ])
        #expect(problems(in: webProcess(#"envFile: ".""#), baseDirectory: directory.path) == [
            #"processes.web.envFile: is a directory, not a file ("\#(directory.path)") (line 1, column 43)"#,
        ])
    }

    @Test("a key defined twice in one object is an error")
    func duplicateKeys() {
        #expect(problems(in: """
        { processes: {
            web: { command: ["a"] },
            web: { command: ["b"] },
        } }
        """) == ["processes.web: duplicate key (first defined at line 2, column 5) (line 3, column 5)"])
    }

    @Test("every problem of a file is reported at once, sorted by path, with lines and columns")
    func allTogether() {
        let text = """
        {
          shutdownTimeout: 30,
          colour: "blue",
          http: { listen: "localhost" },
          processes: {
            web: {
              command: [],
              ready: { http: "htp:/x", tcp: ":80" },
              stopSignal: "SIGNOPE",
            },
            "bad name": { command: ["x"], oneshot: true, health: { exec: ["check"] } },
          },
        }
        """
        let found = issues(in: text)
        #expect(found.map(\.description) == [
            "colour: unknown key (expected one of: control, http, jobs, journal, processes, shutdownTimeout, zone) (line 3, column 3)",
            #"http.listen: not a host:port address ("localhost") (line 4, column 11)"#,
            #"processes.bad name: invalid process name (use letters, digits, "_", "." and "-") (line 11, column 5)"#,
            "processes.bad name.health: a oneshot process cannot have a liveness probe (it is expected to exit) (line 11, column 50)",
            "processes.web.command: must not be empty (expected at least the program to run) (line 7, column 7)",
            "processes.web.ready: expected exactly one check, found 2: tcp, http (line 8, column 7)",
            #"processes.web.ready.http: not a URL ("htp:/x") (line 8, column 16)"#,
            #"processes.web.stopSignal: unknown signal "SIGNOPE" (expected a name such as "SIGTERM" or "INT") (line 9, column 7)"#,
            #"shutdownTimeout: expected a duration string such as "10s", found a number (30); write "30s" (line 2, column 3)"#,
        ])
        #expect(found.count >= 5)
        #expect(found.first == ConfigIssue(path: "colour", message: "unknown key (expected one of: control, http, jobs, journal, processes, shutdownTimeout, zone)",
                                           line: 3, column: 3))
    }

    @Test("ConfigIssues prints one issue per line; an issue without a position has no suffix")
    func descriptions() {
        let issues = ConfigIssues([
            ConfigIssue(path: "b", message: "second", line: 2, column: 1),
            ConfigIssue(path: "", message: "whole file"),
            ConfigIssue(path: "a", message: "first"),
        ])
        #expect(issues.issues.map(\.path) == ["", "a", "b"])
        #expect(issues.description == "whole file\na: first\nb: second (line 2, column 1)")
    }

    @Test("job problems name the key, the cron field and column, the zone, the policy")
    func jobProblems() {
        #expect(problems(in: #"""
        {
          zone: "Mars/Olympus",
          jobs: {
            a: { command: ["true"], schedule: "0 0 25 * * *" },
            b: { command: ["true"], every: "soon" },
            c: { command: ["true"], cron: "* * * * *" },
            d: { command: ["true"], schedule: "@daily", overlap: "never", misfire: "later", retries: -1 },
            e: { schedule: "0 0 0 30 2 *", command: ["true"], every: "1h" },
          },
          processes: { jobs: { command: ["true"] } },
        }
        """#) == [
            #"jobs.a.schedule: invalid cron expression "0 0 25 * * *": field 3 (hour) at column 5: 25 is out of range 0–23 (line 4, column 29)"#,
            #"jobs.b.every: invalid interval: invalid duration "soon" at position 0: expected a number (line 5, column 29)"#,
            #"jobs.c.cron: unknown key: a cron expression goes in "schedule" (line 6, column 29)"#,
            #"jobs.d.misfire: unknown misfire policy "later" (fireOnceNow, skip or runAll) (line 7, column 67)"#,
            #"jobs.d.overlap: unknown overlap policy "never" (skip, queueOne or allow) (line 7, column 49)"#,
            #"jobs.d.retries: must be at least 0, found -1 (line 7, column 85)"#,
            #"jobs.e.every: a cron schedule cannot be combined with every (use one of schedule, every or at; every may take at as its start) (line 8, column 55)"#,
            #"processes.jobs: the name "jobs" is taken by the job scheduler when the config has jobs (line 10, column 16)"#,
            #"zone: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Berlin or UTC) (line 2, column 3)"#,
        ])
    }
}
