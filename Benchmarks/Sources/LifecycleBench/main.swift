// lifecycle-bench: boots and gracefully shuts down N trivial runnables spread over 10 priority
// groups, for several N, each run in a fresh child process so its peak RSS is its own.
//
//   lifecycle-bench [--sizes 10,100,1000] [--repeat K] [--child-timeout SECONDS]
//
// The hidden `--single N` flag runs one measurement in-process and prints one result line; the
// parent re-executes itself with it (posix_spawn) once per size and repetition. Diagnostics, only
// with `--single`: `--phases` prints a per-group timeline of every phase to stderr (keeps every
// event, so it inflates RSS), `--no-timeouts` registers the runnables without stop/shutdown/
// finalize timeouts (the runner then arms no timer per component). `--health` gives every runnable
// a health key that its `run` marks healthy at once, so each priority group waits for its health
// before the next one starts (the health-gated variant the anchor comparison uses).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Arguments {
    var sizes = [10, 100, 1_000, 10_000, 100_000]
    var repetitions = 5
    var single: Int?
    var phases = false
    var noTimeouts = false
    var health = false
    var childTimeoutSeconds = 900

    static func parse(_ arguments: [String]) -> Arguments {
        var result = Arguments()
        var rest = arguments.dropFirst()[...]
        func value(for flag: String) -> String {
            guard let value = rest.popFirst() else { fail("\(flag) needs a value") }
            return value
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--sizes":
                let text = value(for: flag)
                let sizes = text.split(separator: ",").map { Int($0.trimmingSpaces()) }
                guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { fail("--sizes: expected positive integers, got \"\(text)\"") }
                result.sizes = sizes.map { $0! }
            case "--repeat":
                guard let k = Int(value(for: flag)), k > 0 else { fail("--repeat: expected a positive integer") }
                result.repetitions = k
            case "--child-timeout":
                guard let s = Int(value(for: flag)), s > 0 else { fail("--child-timeout: expected seconds") }
                result.childTimeoutSeconds = s
            case "--single":
                guard let n = Int(value(for: flag)), n > 0 else { fail("--single: expected a positive integer") }
                result.single = n
            case "--no-timeouts":
                result.noTimeouts = true
            case "--health":
                result.health = true
            case "--phases":
                result.phases = true
            case "-h", "--help":
                print("usage: lifecycle-bench [--sizes 10,100,1000,10000,100000] [--repeat 5] [--child-timeout 900] [--health]")
                exit(0)
            default:
                fail("unknown argument \"\(flag)\" (try --help)")
            }
        }
        return result
    }
}

func fail(_ message: String) -> Never {
    writeStderr("lifecycle-bench: \(message)\n")
    exit(2)
}

func writeStderr(_ text: String) {
    var text = text
    text.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

let arguments = Arguments.parse(CommandLine.arguments)
if let n = arguments.single {
    let result = await SingleRun.measure(n: n, phases: arguments.phases, noTimeouts: arguments.noTimeouts, health: arguments.health)
    print(result.line)
    exit(0)
}
Parent.run(arguments)
