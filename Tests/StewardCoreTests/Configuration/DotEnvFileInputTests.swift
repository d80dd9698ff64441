import Foundation
import StewardCore
import Synchronization
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What `DotEnvFile.load` accepts as a file: regular files of a bounded size, valid UTF-8. A
/// device, a FIFO or a huge file is refused at once, without reading it.
@Suite("Dotenv files: only bounded regular files", .timeLimit(.minutes(1)))
struct DotEnvFileInputTests {
    /// The reason `DotEnvFile.load(path:)` gives for `path`; records a failure if it loads.
    func refusal(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> DotEnvFile.SyntaxError? {
        do {
            let file = try DotEnvFile.load(path: path)
            Issue.record("expected \(path) to be refused, loaded \(file.entries.count) entries", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test("a character device is refused as not a regular file (it could be endless, like /dev/zero)")
    func device() {
        let error = refusal("/dev/null")
        #expect(error?.description == "cannot read /dev/null: not a regular file (a character device)")
    }

    @Test("a FIFO is refused at once instead of waiting for a writer")
    func fifo() async throws {
        let directory = try TemporaryDirectory("dotenv-fifo")
        let path = directory.file("pipe.env")
        #expect(mkfifo(path, 0o600) == 0)
        let outcome = Outcome()
        Thread.detachNewThread {
            let text: String
            do { text = "loaded \(try DotEnvFile.load(path: path).entries.count) entries" } catch { text = "\(error)" }
            outcome.text.withLock { $0 = text }
        }
        let answered = await eventually(seconds: 5) { outcome.text.withLock { $0 != nil } }
        if !answered {
            // The old reader blocks in open(2) until a writer comes: be that writer, so the thread ends.
            let writer = open(path, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            _ = await eventually(seconds: 5) { outcome.text.withLock { $0 != nil } }
        }
        #expect(answered, "DotEnvFile.load waited on a FIFO")
        #expect(outcome.text.withLock { $0 } == "cannot read \(path): not a regular file (a FIFO)")
    }

    @Test("a file over 1 MiB is refused before it is read")
    func tooLarge() throws {
        let directory = try TemporaryDirectory("dotenv-large")
        let path = directory.file("large.env")
        try Data(("A=" + String(repeating: "x", count: DotEnvFile.maximumBytes)).utf8).write(to: URL(fileURLWithPath: path))
        #expect(DotEnvFile.maximumBytes == 1 << 20)
        #expect(refusal(path)?.description == "cannot read \(path): larger than 1 MiB (1048578 bytes)")
        try Data(("A=" + String(repeating: "x", count: DotEnvFile.maximumBytes - 3) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(try DotEnvFile.load(path: path).values["A"]?.count == DotEnvFile.maximumBytes - 3)
    }

    @Test("text that is not UTF-8 is reported at the line and column of the first bad byte")
    func invalidUTF8() throws {
        let directory = try TemporaryDirectory("dotenv-utf8")
        let path = directory.file("bad.env")
        try Data(Array("A=1\nBÉ=x".utf8) + [0xFF] + Array("y\n".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(refusal(path)?.description == "\(path):2:5: not valid UTF-8 text (byte 0xFF)")
    }
}

/// What a loading thread answered.
private final class Outcome: Sendable {
    let text = Mutex<String?>(nil)
}
