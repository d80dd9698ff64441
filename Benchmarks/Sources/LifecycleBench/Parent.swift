// The parent: one child per (size, repetition), then the Markdown table and machine info.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Parent {
    static func run(_ arguments: Arguments) {
        let executable = currentExecutablePath()
        let machine = MachineInfo.current()
        writeStderr("lifecycle-bench: \(arguments.repetitions) repetition(s) per size, each in a fresh child process\n")

        var rows: [Row] = []
        for n in arguments.sizes {
            var results: [SingleResult] = []
            for repetition in 1...arguments.repetitions {
                let output: String
                do {
                    output = try runChild(executable: executable, arguments: ["--single", "\(n)"] + (arguments.health ? ["--health"] : []),
                                          timeoutSeconds: arguments.childTimeoutSeconds)
                } catch {
                    fail("n=\(n) repetition \(repetition): \(error)")
                }
                guard let result = output.split(separator: "\n").lazy.compactMap({ SingleResult(line: String($0)) }).first else {
                    fail("n=\(n) repetition \(repetition): no result line in the child's output: \(output)")
                }
                writeStderr("  n=\(n) #\(repetition): build \(format(result.build.milliseconds)) ms, ready \(format(result.ready.milliseconds)) ms, "
                    + "shutdown \(format(result.shutdown.milliseconds)) ms, total \(format(result.total.milliseconds)) ms, "
                    + "peak RSS \(format(Double(result.peakRSSKiB) / 1024)) MB\(result.clean ? "" : " (UNCLEAN)")\n")
                results.append(result)
            }
            rows.append(Row(n: n, results: results))
        }

        print(machine.markdown)
        print("")
        print("\(arguments.repetitions) repetition(s) per N, each in a fresh process; times are median (min–max) in ms; "
            + "peak RSS is the child's VmHWM, median over repetitions (min–max).")
        print("")
        print(Row.header)
        print(Row.separator)
        for row in rows { print(row.markdown) }
        print("")
        let baselines = rows.flatMap { $0.results.map(\.baselineRSSKiB) }
        if let low = baselines.min(), let high = baselines.max() {
            print("Child RSS before building anything: \(format(Double(low) / 1024))–\(format(Double(high) / 1024)) MB.")
        }
        print("RSS when `.ready` was seen (MB, median per N): "
            + rows.map { "\($0.n): \(format($0.median { Double($0.readyRSSKiB) / 1024 }))" }.joined(separator: ", ") + ".")
        let lags = rows.flatMap { $0.results.map(\.notifyLag.milliseconds) }
        if let worst = lags.max() {
            print("Event-consumer lag (`.ready` emitted → seen; counted in total, not in ready/shutdown): max \(format(worst)) ms.")
        }
        if rows.contains(where: { $0.results.contains { !$0.clean } }) {
            print("WARNING: some runs ended with an unclean report (see stderr).")
        }
        if rows.count >= 2 {
            print("")
            print("Scaling of the median total between consecutive sizes:")
            for (previous, next) in zip(rows, rows.dropFirst()) {
                let ratio = next.median(\.total.milliseconds) / max(previous.median(\.total.milliseconds), 1e-9)
                let sizeRatio = Double(next.n) / Double(previous.n)
                print("- N \(previous.n) → \(next.n) (×\(format(sizeRatio))): total ×\(format(ratio))")
            }
        }
    }
}

struct Row {
    var n: Int
    var results: [SingleResult]

    static let header = "| N | build ms | ready ms | shutdown ms | total ms | peak RSS MB |"
    static let separator = "|---:|---:|---:|---:|---:|---:|"

    var markdown: String {
        let cells = [
            "\(n)",
            cell(\.build.milliseconds),
            cell(\.ready.milliseconds),
            cell(\.shutdown.milliseconds),
            cell(\.total.milliseconds),
            cell { Double($0.peakRSSKiB) / 1024 },
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    func median(_ value: (SingleResult) -> Double) -> Double {
        let sorted = results.map(value).sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private func cell(_ value: (SingleResult) -> Double) -> String {
        let values = results.map(value)
        guard values.count > 1, let low = values.min(), let high = values.max() else { return format(median(value)) }
        return "\(format(median(value))) (\(format(low))–\(format(high)))"
    }
}

/// Three significant-ish digits: 0.123, 12.3, 1234.
func format(_ value: Double) -> String {
    let decimals = value < 1 ? 3 : value < 10 ? 2 : value < 100 ? 1 : 0
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = decimals == 0 ? "\(Int(rounded))" : "\(rounded)"
    if decimals > 0, let dot = text.firstIndex(of: ".") {
        let have = text.distance(from: dot, to: text.endIndex) - 1
        if have < decimals { text += String(repeating: "0", count: decimals - have) }
    }
    return text
}

struct MachineInfo {
    var processors: Int
    var kernel: String
    var machine: String
    var cpuModel: String?
    var date: String
    var swift: String

    static func current() -> MachineInfo {
        var names = utsname()
        uname(&names)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        let cpuModel = readFile("/proc/cpuinfo")?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { String($0.trimmingSpaces()) }
        #if compiler(>=6.4)
        let swift = "6.4 or later"
        #elseif compiler(>=6.3.1)
        let swift = "6.3.1"
        #elseif compiler(>=6.3)
        let swift = "6.3"
        #elseif compiler(>=6.2)
        let swift = "6.2"
        #elseif compiler(>=6.1)
        let swift = "6.1"
        #else
        let swift = "6.0"
        #endif
        return MachineInfo(processors: sysconf(Int32(_SC_NPROCESSORS_ONLN)), kernel: field(names.release),
                           machine: field(names.machine), cpuModel: cpuModel, date: dateString(), swift: swift)
    }

    var markdown: String {
        var lines = [
            "- date: \(date)",
            "- nproc: \(processors)",
            "- uname -r: \(kernel) (\(machine))",
        ]
        if let cpuModel { lines.append("- cpu: \(cpuModel)") }
        lines.append("- compiler: Swift \(swift), release build")
        return lines.joined(separator: "\n")
    }

    private static func dateString() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S UTC", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
