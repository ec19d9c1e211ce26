import Foundation
import Testing

/// The architecture stays as docs/development.md draws it: HermesCore in six folders,
/// the C module reached from System/ only, errno read in one place, one fork, and a
/// unit test file for each source concept it names.
extension EndToEnd {
@Suite("source layout")
struct SourceLayoutTests {
    static let folders = ["Basics", "System", "Accounts", "Launch", "Privdrop", "HermesInit"]

    /// path relative to Sources/HermesCore → contents
    static func coreSources() throws -> [String: String] {
        let base = repoDir + "/Sources/HermesCore/"
        var files = [String: String]()
        for case let rel as String in FileManager.default.enumerator(atPath: base)! where rel.hasSuffix(".swift") {
            files[rel] = try String(contentsOfFile: base + rel, encoding: .utf8)
        }
        return files
    }

    /// What breaks the layout rules, one line each.
    static func violations(_ files: [String: String]) -> [String] {
        var found = [String]()
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let folder = String(path.prefix { $0 != "/" })
            if !folders.contains(folder) || !path.contains("/") { found.append("\(path): not in \(folders)") }
            let code = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            if folder != "System" && code.contains(where: { $0.hasPrefix("import CHermes") }) {
                found.append("\(path): imports CHermes outside System/")
            }
            if path != "System/Errno.swift" && code.contains(where: { $0.contains("CHermes_errno") }) {
                found.append("\(path): reads errno (Errno.current does)")
            }
            if path != "System/Spawn.swift" && code.contains(where: { $0.range(of: #"\bfork\("#, options: .regularExpression) != nil }) {
                found.append("\(path): forks (Spawn does)")
            }
            if path != "System/FileReader.swift" && code.contains(where: { $0.contains("CHermes_scratchPage") }) {
                found.append("\(path): takes the scratch page (FileReader owns it)")
            }
            if path != "Launch/PreparedExec.swift" && code.contains(where: { $0.contains("Sys.execve(") }) {
                found.append("\(path): execs (PreparedExec does)")
            }
            if code.contains(where: { $0.contains("nonisolated(unsafe)") }) {
                found.append("\(path): a mutable global")
            }
        }
        return found
    }

    /// Public functions of HermesCore that nothing outside the tests calls. HermesCore's
    /// only clients but the tests (which import it @testable) are the two entry points,
    /// so a public function must be named in one of them; the rest stays internal.
    static func uncalledPublicFunctions(_ core: [String: String], clients: [String]) throws -> [String] {
        let decl = try NSRegularExpression(pattern: #"public (?:static |mutating |convenience )*func ([A-Za-z_][A-Za-z0-9_]*)"#)
        var uncalled = Set<String>()
        for text in core.values {
            for m in decl.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let name = String(text[Range(m.range(at: 1), in: text)!])
                let call = try NSRegularExpression(pattern: "\\." + name + "\\b")
                if !clients.contains(where: { call.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }) {
                    uncalled.insert(name)
                }
            }
        }
        return uncalled.sorted()
    }

    @Test("every public function of HermesCore has a caller outside the tests")
    func publicFunctionsAreCalled() throws {
        let clients = try ["HermesInit", "Privdrop"].map {
            try String(contentsOfFile: repoDir + "/Sources/\($0)/Entry.swift", encoding: .utf8)
        }
        #expect(try Self.uncalledPublicFunctions(Self.coreSources(), clients: clients) == [])
        // The check can fail: a public function no entry point calls is caught, a called one is not.
        let bad = ["A.swift": "public enum A {\n    public static func lonely() {}\n    public static func main() {}\n}\n"]
        #expect(try Self.uncalledPublicFunctions(bad, clients: ["A.main()"]) == ["lonely"])
    }

    @Test("HermesCore stays small: at most 3,800 lines")
    func size() throws {
        let lines = try Self.coreSources().values.reduce(0) { $0 + $1.split(separator: "\n", omittingEmptySubsequences: false).count - 1 }
        #expect(lines <= 3800, "\(lines) lines")
        #expect(lines > 1000)
    }

    @Test("the scratch page cannot be read into while directory records hold it: the compiler refuses")
    func scratchPageExclusive() throws {
        // The module this test bundle was built with, next to it.
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.path + "/Modules/HermesCore.swiftmodule") {
            url.deleteLastPathComponent()
        }
        let modules = url.path + "/Modules"
        try #require(url.path != "/", "no HermesCore.swiftmodule next to \(CommandLine.arguments[0])")
        func typecheck(_ body: String) throws -> Result {
            let d = try TempDir()
            let file = d.path + "/Use.swift"
            try ("@testable import HermesCore\nfunc use(_ fd: Int32, _ path: UnsafePointer<CChar>) throws {\n" + body + "\n}\n")
                .write(toFile: file, atomically: true, encoding: .utf8)
            // SIL, not just types: exclusivity is checked there.
            return try run(["/usr/bin/env", "swiftc", "-emit-sil", "-o", "/dev/null", "-I", modules, "-I", repoDir + "/Sources/CHermes/include", file])
        }
        let fine = try typecheck("""
            var reader = FileReader(execFollows: false)
            _ = try reader.readSmallFile(path)
            try reader.withDirectoryRecords(fd, { records, descriptors throws(Failure) in descriptors.done(fd) },
                                            failure: { Failure.system([], $0) })
            """)
        #expect(fine.status == 0, "\(fine.err)")
        let overlapping = try typecheck("""
            var reader = FileReader(execFollows: false)
            try reader.withDirectoryRecords(fd, { records, descriptors throws(Failure) in
                _ = try? reader.readSmallFile(path)
            }, failure: { Failure.system([], $0) })
            """)
        #expect(overlapping.status != 0)
        #expect(overlapping.err.contains("overlapping accesses to 'reader'"), "\(overlapping.err)")
    }

    @Test("HermesCore is in its folders; only System/ reaches the C module; errno and fork each in one place")
    func seam() throws {
        let files = try Self.coreSources()
        #expect(files.count > 30)
        #expect(Self.violations(files) == [])
        for entry in ["HermesInit", "Privdrop"] {
            let text = try String(contentsOfFile: repoDir + "/Sources/\(entry)/Entry.swift", encoding: .utf8)
            #expect(text.split(separator: "\n").filter { $0.hasPrefix("import ") } == ["import HermesCore"], "\(entry)")
        }
    }

    @Test("the check can fail: each rule catches its own violation")
    func seamNegative() {
        let bad = [
            "Flat.swift": "let x = 1\n",
            "Accounts/Raw.swift": "import CHermes\n",
            "Launch/Errno2.swift": "let e = CHermes_errno()\n",
            "HermesInit/Forker.swift": "let p = fork()\n",
            "System/Fine.swift": "import CHermes\n// fork() in a comment is fine\n",
            "System/Page.swift": "import CHermes\nlet p = CHermes_scratchPage()\n",
            "HermesInit/Exec2.swift": "let r = Sys.execve(a, b, c)\n",
            "Launch/Global.swift": "nonisolated(unsafe) var x = 0\n",
        ]
        #expect(Self.violations(bad) == [
            "Accounts/Raw.swift: imports CHermes outside System/",
            "Flat.swift: not in \(Self.folders)",
            "HermesInit/Exec2.swift: execs (PreparedExec does)",
            "HermesInit/Forker.swift: forks (Spawn does)",
            "Launch/Errno2.swift: reads errno (Errno.current does)",
            "Launch/Global.swift: a mutable global",
            "System/Page.swift: takes the scratch page (FileReader owns it)",
        ])
    }

    @Test("unit tests mirror the sources: each XTests.swift tests a source X.swift, and the named concepts have one")
    func testsMirrorSources() throws {
        let sources = Set(try Self.coreSources().keys.map { ($0 as NSString).lastPathComponent.replacingOccurrences(of: ".swift", with: "") })
        let tests = try FileManager.default.contentsOfDirectory(atPath: repoDir + "/Tests/HermesCoreTests")
            .filter { $0.hasSuffix("Tests.swift") }.map { $0.replacingOccurrences(of: "Tests.swift", with: "") }
        for t in tests { #expect(sources.contains(t), "\(t)Tests.swift has no \(t).swift") }
        for concept in ["Descendants", "WaitStatus", "Explain", "ExecLocate", "BootSteps", "Mode", "Spawn", "Sys",
                        "Envdir", "Environment", "Routing", "Venv", "Situation", "DropPlan", "Credentials",
                        "CommandRules", "FileReader"] {
            #expect(tests.contains(concept), "no \(concept)Tests.swift")
        }
    }
}
}
