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
        }
        return found
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
        ]
        #expect(Self.violations(bad) == [
            "Accounts/Raw.swift: imports CHermes outside System/",
            "Flat.swift: not in \(Self.folders)",
            "HermesInit/Forker.swift: forks (Spawn does)",
            "Launch/Errno2.swift: reads errno (Errno.current does)",
        ])
    }

    @Test("unit tests mirror the sources: each XTests.swift tests a source X.swift, and the named concepts have one")
    func testsMirrorSources() throws {
        let sources = Set(try Self.coreSources().keys.map { ($0 as NSString).lastPathComponent.replacingOccurrences(of: ".swift", with: "") })
        let tests = try FileManager.default.contentsOfDirectory(atPath: repoDir + "/Tests/HermesCoreTests")
            .filter { $0.hasSuffix("Tests.swift") }.map { $0.replacingOccurrences(of: "Tests.swift", with: "") }
        for t in tests { #expect(sources.contains(t), "\(t)Tests.swift has no \(t).swift") }
        for concept in ["Descendants", "WaitStatus", "Explain", "ExecLocate", "BootSteps", "Mode", "Spawn", "Sys",
                        "Envdir", "Environment", "Routing", "Venv", "Situation", "DropPlan", "Credentials"] {
            #expect(tests.contains(concept), "no \(concept)Tests.swift")
        }
    }
}
}
