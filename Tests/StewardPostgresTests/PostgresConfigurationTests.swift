import StewardPostgres
import Testing

/// Connection strings are checked before anything connects: each error names the key or the
/// position, and neither errors nor descriptions show the password.
@Suite("Postgres: connection strings")
struct PostgresConfigurationTests {
    private func error(_ text: String) -> PostgresError? {
        do {
            _ = try PostgresConfiguration(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test("bad strings are refused with the key or position named, never the password", arguments: [
        ("", "empty"),
        ("mysql://u@h/db", "postgresql://"),
        ("postgresql://u:hunter2@h:99999/db", "position 26"),
        ("postgresql://u:hunter2@h:5432/db?sslmde=require", "unknown key 'sslmde'"),
        ("postgresql://u:hunter2@h/db?port=0", "'port'"),
        ("postgresql://u:hunter2@h/db?password_file=/x", "only one of"),
        ("postgresql://u:hunter2@h/db%zz", "position 28"),
        ("postgresql://u:hunter2@[::1/db", "position 24"),
        ("host=h dbname", "position 14: expected '='"),
        ("host=h password='hunter2", "position 17: the quoted value of 'password'"),
        ("host=h connect_timeout=soon password=hunter2", "'connect_timeout'"),
        ("host=h host=g password=hunter2", "'host' is given twice"),
    ])
    func refused(text: String, expected: String) {
        let failure = error(text)
        #expect(failure?.kind == .configuration)
        #expect(failure?.message.contains(expected) == true, "\(failure?.message ?? "accepted")")
        #expect(failure?.description.contains("hunter2") == false)
    }

    @Test("a URL becomes libpq keywords, percent-decoded; the description hides the password")
    func url() throws {
        let configuration = try PostgresConfiguration(
            parsing: "postgresql://app%40x:p%40ss%20word@db.example:6432,other:6433/jobs?sslmode=disable&application_name=steward")
        #expect(configuration.parameters == ["user": "app@x", "host": "db.example,other", "port": "6432,6433",
                                             "dbname": "jobs", "sslmode": "disable", "application_name": "steward"])
        #expect(configuration.password == .literal("p@ss word"))
        #expect(!configuration.description.contains("p@ss"))
        #expect(configuration.description.contains("password=<hidden>"))
    }

    @Test("a keyword string with quoted values; password sources from a file or the environment")
    func keywords() throws {
        let configuration = try PostgresConfiguration(parsing: "host=/run/pg  dbname = 'my db' user=it\\'s password_env=PGSECRET")
        #expect(configuration.parameters == ["host": "/run/pg", "dbname": "my db", "user": "it's"])
        #expect(configuration.password == .environment("PGSECRET"))
        let file = try PostgresConfiguration(parsing: "postgresql://u@h/db?password_file=/run/secrets/pg")
        #expect(file.password == .file("/run/secrets/pg"))
        #expect(file.description.contains("password_file=/run/secrets/pg"))
    }

    @Test("a password source that fails names its key")
    func passwordSources() throws {
        let missingFile = try PostgresConfiguration(parsing: "host=h password_file=/nonexistent/pw")
        #expect(throws: PostgresError.self) { try missingFile.connectionParameters() }
        do {
            _ = try PostgresConfiguration(parsing: "host=h password_env=STEWARD_NO_SUCH_VARIABLE_X").connectionParameters()
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("'password_env'") && error.message.contains("STEWARD_NO_SUCH_VARIABLE_X"))
        }
    }
}
