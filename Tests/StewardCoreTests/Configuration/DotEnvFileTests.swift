import Foundation
import StewardCore
import StewardTesting
import Testing

@Suite("Dotenv files", .timeLimit(.minutes(1)))
struct DotEnvFileTests {
    @Test("assignments, comments, export, quoting and escapes")
    func syntax() throws {
        let file = try DotEnvFile.parse("""
        # a comment

        PLAIN=value
        export EXPORTED = spaced value   # trailing comment
        DOUBLE="line\\nbreak \\"quoted\\" \\$HOME"
        SINGLE='literal \\n $HOME # not a comment'
        HASH=a#b
        EMPTY=
        PLAIN=overridden
        """)
        #expect(file.values == [
            "PLAIN": "overridden", "EXPORTED": "spaced value", "DOUBLE": "line\nbreak \"quoted\" $HOME",
            "SINGLE": "literal \\n $HOME # not a comment", "HASH": "a#b", "EMPTY": "",
        ])
        #expect(file.entries.map(\.key) == ["PLAIN", "EXPORTED", "DOUBLE", "SINGLE", "HASH", "EMPTY"])
    }

    @Test("errors name the line and column", arguments: [
        ("OK=1\n9LIVES=x", "demo.env:2:1: expected a variable name (letters, digits, \"_\", not starting with a digit)"),
        ("KEY value", "demo.env:1:5: expected \"=\" after KEY"),
        ("A=1\nB=\"open", "demo.env:2:3: unterminated double-quoted value"),
        ("C='x' y", "demo.env:1:7: unexpected text after the closing quote"),
    ])
    func errors(text: String, message: String) {
        #expect(throws: (any Error).self) { try DotEnvFile.parse(text, source: "demo.env") }
        do { _ = try DotEnvFile.parse(text, source: "demo.env") } catch { #expect(error.description == message) }
    }

    @Test("config files feed addConfig; the environment wins over files; file errors are config errors")
    func filesInLifecycle() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("steward-dotenv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.env").path
        try "HTTP_PORT=8080\nHTTP_READ_TIMEOUT=2s\n".write(toFile: good, atomically: true, encoding: .utf8)
        let seen = SeenValues()
        var builder = LifecycleBuilder()
        builder.addConfig(HTTPSettings.self, prefix: "HTTP", key: .http, environment: ["HTTP_PORT": "9090"], files: [good])
        builder.addInitializer("user") { context in
            let http = try context.services.resolve(.http)
            seen.add("\(http.port) \(http.readTimeout)")
        }
        #expect(await (try builder.build(options: testOptions(ManualClock()))).run().isClean)
        #expect(seen.values == ["9090 2.0 seconds"])

        let bad = directory.appendingPathComponent("bad.env").path
        try "HTTP_PORT 1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        var broken = LifecycleBuilder()
        broken.addConfig(HTTPSettings.self, prefix: "HTTP", key: .http, environment: [:], files: [bad])
        let report = await (try broken.build(options: testOptions(ManualClock()))).run()
        #expect(report.errors.count == 2)
        #expect(report.errors.first?.description == "HTTP: config failed (\(bad):1:11: expected \"=\" after HTTP_PORT)")
        #expect(report.errors.last?.description.contains("HTTP_PORT") == true)
    }
}
