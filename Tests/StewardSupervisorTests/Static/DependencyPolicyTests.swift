import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// docs/dependencies.md is the policy of what each module may import besides the package's own
/// modules; this keeps `Sources/` and that table equal, so the `steward` binary's dependency graph
/// only changes when the policy does.
@Suite("Dependency policy: docs/dependencies.md and the imports of Sources/")
struct DependencyPolicyTests {
    /// Platform spellings of one entry of the table.
    static let aliases: [String: [String]] = ["Glibc": ["Glibc", "Darwin", "Musl"], "FoundationEssentials": ["FoundationEssentials", "Foundation"]]

    @Test("every import in Sources/ is the package's own module or one its row in docs/dependencies.md allows")
    func importsFollowThePolicy() throws {
        let root = StaticBinary.packageRoot
        let policy = try Self.policy(StaticBinary.readToEnd(root + "/docs/dependencies.md") ?? "")
        let modules = Self.directories(root + "/Sources")
        #expect(!modules.isEmpty)
        #expect(Set(policy.keys) == Set(modules), "the rows of docs/dependencies.md and the modules of Sources/ differ")
        var violations: [String] = []
        for module in modules {
            let allowed = Set(modules + (policy[module] ?? []).flatMap { Self.aliases[$0] ?? [$0] })
            for file in Self.swiftFiles(root + "/Sources/" + module) {
                let lines = (StaticBinary.readToEnd(file) ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                for (index, line) in lines.enumerated() {
                    guard let imported = Self.importedModule(line) else { continue }
                    let place = "\(file.dropFirst(root.count + 1)):\(index + 1)"
                    if !allowed.contains(imported) {
                        violations.append("\(place): import \(imported) (the row of \(module) allows \(policy[module] ?? []))")
                    } else if imported == "Foundation" && Self.previousCode(lines, before: index) != "#else" {
                        violations.append("\(place): import Foundation outside the #else of #if canImport(FoundationEssentials)")
                    }
                }
            }
        }
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }

    @Test("the policy check sees a forbidden import, and only real imports")
    func parserCatchesImports() throws {
        #expect(Self.importedModule("import FoundationEssentials") == "FoundationEssentials")
        #expect(Self.importedModule("  @preconcurrency internal import Dispatch") == "Dispatch")
        #expect(Self.importedModule("import struct Foundation.Date") == "Foundation")
        #expect(Self.importedModule("@testable import StewardCore") == "StewardCore")
        #expect(Self.importedModule("// import Foundation") == nil)
        #expect(Self.importedModule("let important = 1") == nil)
        let policy = try Self.policy("| module | in | may import | used for |\n|---|---|---|---|\n| `A` | yes | `Glibc`, `Dispatch` | x `Date` |\n| `C` | yes | (C: libc) | — |\n")
        #expect(policy == ["A": ["Glibc", "Dispatch"], "C": []])
    }

    /// Module → the toolchain and system modules it may import, from the table's rows
    /// (first column the module, third the backticked names).
    static func policy(_ markdown: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for line in markdown.split(separator: "\n") where line.hasPrefix("| `") {
            let columns = line.split(separator: "|", omittingEmptySubsequences: false).map { trimmed(String($0)) }
            guard columns.count >= 4 else { throw TestSupportError("a row of the policy has too few columns: \(line)") }
            result[columns[1].filter { $0 != "`" }] = backticked(columns[3])
        }
        return result
    }

    /// The names between backticks in `text`.
    static func backticked(_ text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// The module a line of Swift imports, or `nil` if it imports nothing.
    static func importedModule(_ line: String) -> String? {
        var words = line.split(separator: " ").map(String.init)
        while let first = words.first, first.hasPrefix("@") || ["public", "internal", "package", "private", "fileprivate"].contains(first) {
            words.removeFirst()
        }
        guard words.first == "import", words.count >= 2 else { return nil }
        var name = words[1]
        if ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"].contains(name), words.count >= 3 { name = words[2] }
        return String(name.prefix { $0 != "." })
    }

    /// The last line before `index` that is not blank.
    static func previousCode(_ lines: [String], before index: Int) -> String? {
        lines[..<index].map(trimmed).last { !$0.isEmpty }
    }

    /// `text` without the spaces and tabs at either end.
    static func trimmed(_ text: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(text.drop(while: blank).reversed().drop(while: blank).reversed())
    }

    static func directories(_ path: String) -> [String] {
        directoryEntries(path).filter { isDirectory(path + "/" + $0) }.sorted()
    }

    /// Every `.swift` file under `path`, recursively.
    static func swiftFiles(_ path: String) -> [String] {
        directoryEntries(path).flatMap { name -> [String] in
            let full = path + "/" + name
            if isDirectory(full) { return swiftFiles(full) }
            return name.hasSuffix(".swift") ? [full] : []
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
