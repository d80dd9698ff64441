import Testing
@testable import StewardSupervisor

@Suite("Config value syntaxes: addresses, URLs, sizes, paths")
struct ConfigValueSyntaxTests {
    @Test("host:port addresses")
    func hostPort() throws {
        #expect(try HostPort.parse("127.0.0.1:9100", defaultHost: nil) == HostPort(host: "127.0.0.1", port: 9100))
        #expect(try HostPort.parse(":9100", defaultHost: "127.0.0.1") == HostPort(host: "127.0.0.1", port: 9100))
        #expect(try HostPort.parse("[::1]:80", defaultHost: nil) == HostPort(host: "::1", port: 80))
        #expect(try HostPort.parse("db.internal:5432", defaultHost: nil) == HostPort(host: "db.internal", port: 5432))
        #expect(try HostPort.parse("0.0.0.0:0", defaultHost: nil, allowsPortZero: true).port == 0)
        #expect(throws: ConfigValueProblem(#"invalid port "0" in "h:0" (expected 1-65535)"#)) { try HostPort.parse("h:0", defaultHost: nil) }
        #expect(throws: ConfigValueProblem(#"missing host in ":80""#)) { try HostPort.parse(":80", defaultHost: nil) }
        #expect(throws: ConfigValueProblem(#"missing port in "h:""#)) { try HostPort.parse("h:", defaultHost: nil) }
        #expect(throws: ConfigValueProblem(#"invalid host "999.1.1.1" in "999.1.1.1:80""#)) {
            try HostPort.parse("999.1.1.1:80", defaultHost: nil)
        }
        #expect(throws: ConfigValueProblem(#"invalid host "a b" in "a b:80""#)) { try HostPort.parse("a b:80", defaultHost: nil) }
        #expect(throws: ConfigValueProblem(#"invalid IPv6 address "zz" in "[zz]:80""#)) { try HostPort.parse("[zz]:80", defaultHost: nil) }
    }

    @Test("http:// URLs for the HTTP check")
    func httpURLs() throws {
        let url = try #require(HTTPProbeURL("http://127.0.0.1:8080/health?full=1"))
        #expect((url.host, url.port, url.path, url.text) == ("127.0.0.1", 8080, "/health?full=1", "http://127.0.0.1:8080/health?full=1"))
        #expect(HTTPProbeURL("HTTP://web")?.text == "http://web/")
        #expect(HTTPProbeURL("http://web?x")?.path == "/?x")
        #expect(HTTPProbeURL("http://[::1]/")?.host == "::1")
        #expect(HTTPProbeURL("http://[::1]/")?.port == 80)
        for (text, message) in [
            ("htp:/x", #"not a URL ("htp:/x")"#),
            ("ftp://x/", #"unsupported scheme "ftp" ("ftp://x/"); use an http:// URL"#),
            ("http:///x", #"not a URL ("http:///x"): missing host"#),
            ("http://u:p@x/", #"credentials in URLs are not supported ("http://u:p@x/")"#),
            ("http://x/a b", #"not a URL ("http://x/a b"): spaces and control characters must be percent-encoded"#),
            ("http://x:y/", #"invalid port "y" in "http://x:y/" (expected 1-65535)"#),
            ("http://x_y!/", #"invalid host "x_y!" in URL ("http://x_y!/")"#),
        ] {
            #expect(throws: ConfigValueProblem(message), "\(text)") { try HTTPProbeURL.parse(text) }
            #expect(HTTPProbeURL(text) == nil)
        }
    }

    @Test("sizes are 1024-based")
    func sizes() throws {
        #expect(try ByteSize.parse("512") == 512)
        #expect(try ByteSize.parse("1K") == 1024)
        #expect(try ByteSize.parse("3 MiB") == 3 << 20)
        #expect(try ByteSize.parse("1gb") == 1 << 30)
        #expect(throws: ConfigValueProblem("must be larger than 0 bytes")) { try ByteSize.parse("0MB") }
        #expect(throws: ConfigValueProblem(#"size "99999999999GB" is too large"#)) { try ByteSize.parse("99999999999GB") }
        #expect(throws: ConfigValueProblem(#"invalid size "1.5MB" (expected a number of bytes or a size such as "64KB", "10MB", "1GB")"#)) {
            try ByteSize.parse("1.5MB")
        }
    }

    @Test("relative paths join the base directory; . and empty components vanish")
    func paths() {
        #expect(ConfigFiles.resolve(".", against: "/srv/app") == "/srv/app")
        #expect(ConfigFiles.resolve("./a//b/", against: "/srv/app/") == "/srv/app/a/b")
        #expect(ConfigFiles.resolve("../x", against: "/srv/app") == "/srv/app/../x")
        #expect(ConfigFiles.resolve("/abs/./x", against: "/srv/app") == "/abs/x")
        #expect(ConfigFiles.resolve("x", against: ".") == "x")
        #expect(ConfigFiles.directory(of: "/etc/steward.json5") == "/etc")
        #expect(ConfigFiles.directory(of: "/steward.json5") == "/")
        #expect(ConfigFiles.directory(of: "steward.json5") == ".")
    }

    @Test("process names")
    func names() {
        #expect(ProcessConfig.isValidName("web-1.v2_x"))
        #expect(!ProcessConfig.isValidName(""))
        #expect(!ProcessConfig.isValidName("a b"))
        #expect(!ProcessConfig.isValidName("wéb"))
    }
}
