#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import StewardCore

/// A file in the temporary directory holding `contents`, removed by `remove()`.
fileprivate struct TemporaryFile {
    let path: String

    init(contents: String) throws {
        var template = Array("/tmp/steward-config-test-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(descriptor >= 0)
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        try #require(written == bytes.count)
    }

    func remove() { unlink(path) }
}

@Suite("Environment configuration: NAME_FILE indirection")
struct ConfigFileIndirectionTests {
    fileprivate struct Credentials: EnvironmentConfig {
        var user: String
        var password: String
        var port: Int
        static let configFields = [
            ConfigField("password", secret: true),
            ConfigField("port", default: "5432"),
        ]
    }

    @Test("a _FILE variable reads the file, dropping exactly one trailing newline")
    func readsFile() throws {
        let password = try TemporaryFile(contents: "s3cret\n\n")
        defer { password.remove() }
        let port = try TemporaryFile(contents: "6543\n")
        defer { port.remove() }
        let environment = ["DB_USER": "app", "DB_PASSWORD_FILE": password.path, "DB_PORT_FILE": port.path]
        let credentials = try EnvironmentLoader(prefix: "DB", environment: environment).load(Credentials.self)
        #expect(credentials.password == "s3cret\n")
        #expect(credentials.port == 6543)
    }

    @Test("a CRLF line ending is dropped as one newline")
    func crlf() throws {
        let environment = ["DB_USER": "app", "DB_PASSWORD_FILE": "/secrets/pw"]
        let loader = EnvironmentLoader(prefix: "DB", environment: environment, readFile: { path in
            #expect(path == "/secrets/pw")
            return "pw\r\n"
        })
        #expect(try loader.load(Credentials.self).password == "pw")
    }

    @Test("setting both NAME and NAME_FILE is ambiguous")
    func ambiguous() throws {
        let file = try TemporaryFile(contents: "from-file")
        defer { file.remove() }
        let environment = ["DB_USER": "app", "DB_PASSWORD": "inline", "DB_PASSWORD_FILE": file.path]
        do {
            _ = try EnvironmentLoader(prefix: "DB", environment: environment).load(Credentials.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind) == [.ambiguous])
            #expect(error.errors.first?.message
                == "DB_PASSWORD (password): both DB_PASSWORD and DB_PASSWORD_FILE are set; set only one of them")
            #expect(!error.description.contains("inline"))
            #expect(!error.description.contains("from-file"))
        }
    }

    @Test("an unreadable file is reported with its path and the OS reason")
    func unreadable() {
        let missingPath = "/nonexistent/steward/config/password"
        let environment = ["DB_USER": "app", "DB_PASSWORD_FILE": missingPath]
        do {
            _ = try EnvironmentLoader(prefix: "DB", environment: environment).load(Credentials.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind)
                == [.unreadableFile(path: missingPath, reason: "No such file or directory")])
            #expect(error.errors.first?.environmentVariable == "DB_PASSWORD")
            #expect(error.errors.first?.message.contains("DB_PASSWORD_FILE \"\(missingPath)\"") == true)
        }
    }

    @Test("a directory is unreadable too")
    func directory() {
        let environment = ["DB_USER": "app", "DB_PASSWORD_FILE": "/tmp"]
        #expect(throws: ConfigErrors.self) {
            try EnvironmentLoader(prefix: "DB", environment: environment).load(Credentials.self)
        }
    }

    @Test("the default reader rejects invalid UTF-8")
    func invalidUTF8() throws {
        var template = Array("/tmp/steward-config-test-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(descriptor >= 0)
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        let bytes: [UInt8] = [0xFF, 0xFE, 0x41]
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        #expect(throws: (any Error).self) { try EnvironmentLoader.readTextFile(atPath: path) }
    }
}
