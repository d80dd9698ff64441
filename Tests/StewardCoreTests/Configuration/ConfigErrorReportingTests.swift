import Testing
@testable import StewardCore

@Suite("Environment configuration: error reporting")
struct ConfigErrorReportingTests {
    fileprivate struct TLS: Decodable, Sendable {
        var certificate: String
        var handshakeTimeout: Duration
    }

    fileprivate struct Listener: Decodable, Sendable {
        var port: UInt16
        var tls: TLS
    }

    fileprivate struct Service: EnvironmentConfig {
        var name: String
        var listener: Listener
        var workers: Int
        var debug: Bool
        var apiKey: String
        var token: Int
        static let configFields = [
            ConfigField("apiKey", secret: true),
            ConfigField("token", secret: true),
            ConfigField("listener.tls", secret: true),
        ]
    }

    @Test("missing and malformed values across nested structs are reported together, in order")
    func collectsAllErrors() {
        let environment = [
            "SVC_LISTENER_PORT": "70000",
            "SVC_LISTENER_TLS_HANDSHAKE_TIMEOUT": "soon",
            "SVC_WORKERS": "four",
            "SVC_DEBUG": "true",
            "SVC_API_KEY": "k",
            "SVC_TOKEN": "12",
        ]
        do {
            _ = try EnvironmentLoader(prefix: "SVC", environment: environment).load(Service.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.path)
                == ["name", "listener.port", "listener.tls.certificate", "listener.tls.handshakeTimeout", "workers"])
            #expect(error.errors.map(\.kind.name) == ["missing", "invalid", "missing", "invalid", "invalid"])
            #expect(error.errors[1].kind == .invalid(value: "70000", expected: "UInt16"))
            #expect(error.description.split(separator: "\n").count == 5)
            #expect(error.description.split(separator: "\n").map(String.init) == error.errors.map(\.message))
        }
    }

    @Test("secret values never appear in errors")
    func secretsMasked() {
        let environment = [
            "SVC_NAME": "n", "SVC_LISTENER_PORT": "1", "SVC_LISTENER_TLS_CERTIFICATE": "c",
            "SVC_LISTENER_TLS_HANDSHAKE_TIMEOUT": "hunter2ms", "SVC_WORKERS": "1", "SVC_DEBUG": "no",
            "SVC_API_KEY": "k", "SVC_TOKEN": "hunter2",
        ]
        do {
            _ = try EnvironmentLoader(prefix: "SVC", environment: environment).load(Service.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind) == [
                .invalid(value: "******", expected: "Duration (e.g. 250ms, 10s, 1h30m)"),
                .invalid(value: "******", expected: "Int"),
            ])
            #expect(!error.description.contains("hunter2"))
            #expect(!String(describing: error.errors.map(\.kind)).contains("hunter2"))
            #expect(error.errors[1].message == "SVC_TOKEN (token): \"******\" is not a valid Int")
        }
    }

    fileprivate struct Labels: EnvironmentConfig {
        var labels: [String: String]
        var port: Int
    }

    @Test("dictionaries are reported as unsupported and decoding continues")
    func unsupportedDictionary() {
        do {
            _ = try EnvironmentLoader(prefix: "X", environment: ["X_PORT": "x"]).load(Labels.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind) == [.unsupported(type: "[String: String]"), .invalid(value: "x", expected: "Int")])
            #expect(error.errors.first?.message
                == "X_LABELS (labels): type [String: String] cannot be read from the environment: dictionaries are not supported")
        }
    }

    /// A user type that validates itself and offers no placeholder.
    fileprivate struct EvenNumber: Decodable, Sendable, CustomStringConvertible {
        struct NotEven: Error, CustomStringConvertible {
            var description: String { "the number must be even" }
        }
        var value: Int
        init(from decoder: any Decoder) throws {
            value = try decoder.singleValueContainer().decode(Int.self)
            guard value % 2 == 0 else { throw NotEven() }
        }
        var description: String { String(value) }
    }

    fileprivate struct Validated: EnvironmentConfig {
        var first: Int
        var even: EvenNumber
        var last: Int
    }

    @Test("an error thrown by a user type stops the pass but earlier errors are kept")
    func userTypeErrorStops() {
        do {
            _ = try EnvironmentLoader(prefix: "V", environment: ["V_FIRST": "a", "V_EVEN": "3"]).load(Validated.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.path) == ["first", "even"])
            #expect(error.errors[1].kind == .invalid(value: "3", expected: "EvenNumber"))
            #expect(error.errors[1].message == "V_EVEN (even): \"3\" is not a valid EvenNumber: the number must be even")
        }
    }

    @Test("a missing value inside a user type is reported once, as missing")
    func userTypeMissing() {
        do {
            _ = try EnvironmentLoader(prefix: "V", environment: ["V_FIRST": "1", "V_LAST": "2"]).load(Validated.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind) == [.missing])
            #expect(error.errors.first?.path == "even")
        }
    }

    @Test("a valid user type loads")
    func userTypeValid() throws {
        let config = try EnvironmentLoader(prefix: "V", environment: ["V_FIRST": "1", "V_EVEN": "4", "V_LAST": "2"])
            .load(Validated.self)
        #expect(config.even.value == 4)
        #expect(config.last == 2)
    }

    fileprivate struct Bounds: EnvironmentConfig {
        struct Inverted: Error, CustomStringConvertible {
            var description: String { "min must not exceed max" }
        }
        var min: Int
        var max: Int
        enum CodingKeys: String, CodingKey { case min, max }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            min = try container.decode(Int.self, forKey: .min)
            max = try container.decode(Int.self, forKey: .max)
            guard min <= max else { throw Inverted() }
        }
    }

    @Test("a validation error thrown by the configuration type itself is reported")
    func rootValidation() {
        #expect(throws: ConfigErrors([ConfigFieldError(
            path: "", environmentVariable: "R", kind: .invalid(value: "", expected: "Bounds"),
            message: "R: invalid Bounds: min must not exceed max")])) {
            try EnvironmentLoader(prefix: "R", environment: ["R_MIN": "5", "R_MAX": "1"]).load(Bounds.self)
        }
        // Field errors take precedence over the validation that follows from them.
        #expect(throws: ConfigErrors.self) {
            try EnvironmentLoader(prefix: "R", environment: ["R_MIN": "x", "R_MAX": "-1"]).load(Bounds.self)
        }
    }
}
