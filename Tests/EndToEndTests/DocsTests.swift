import Foundation
import Testing

/// The references stay true to the programs: every option and variable a `--help`
/// names is documented in that program's reference.
extension EndToEnd {
@Suite("documentation")
struct DocsTests {
    /// (program, its help option, its reference, what counts as a name, how many at least)
    static let programs: [(String, String, String, String, Int)] = [
        ("privdrop", "--help", "docs/privdrop.md", "--[a-z][a-z-]*", 6),
        ("hermes-init", "--hermes-init-help", "docs/hermes-init.md", "--hermes-init-[a-z-]+|HERMES_[A-Z_]+", 10),
    ]

    @Test("every option and variable a --help names is in that program's reference", arguments: programs)
    func documented(program: (String, String, String, String, Int)) throws {
        let (name, helpOption, docPath, pattern, atLeast) = program
        let help = try run([binDir + "/" + name, helpOption]).out
        let doc = try String(contentsOfFile: repoDir + "/" + docPath, encoding: .utf8)
        let re = try NSRegularExpression(pattern: pattern)
        let names = Set(re.matches(in: help, range: NSRange(help.startIndex..., in: help))
            .compactMap { Range($0.range, in: help).map { String(help[$0]) } })
        #expect(names.count >= atLeast, "\(name): \(names)")
        for n in names.sorted() { #expect(doc.contains(n), "\(docPath) lacks \(n)") }
    }
    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: repoDir + "/" + path, encoding: .utf8)
    }

    static func matches(_ pattern: String, in text: String) throws -> [[String]] {
        let re = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { m in
            (0..<m.numberOfRanges).map { i in Range(m.range(at: i), in: text).map { String(text[$0]) } ?? "" }
        }
    }

    /// The ids docs/contract.md defines: the first cell of a table row.
    static func definedRules() throws -> Set<String> {
        Set(try matches(#"^\| ([A-Z][0-9]+) \|"#, in: read("docs/contract.md")).map { $0[1] })
    }

    /// Every rule id (R8, D3, M3, ...) written in the files under `dirs`.
    static func usedRules(under dirs: [String]) throws -> [String: String] {
        var used = [String: String]()
        for dir in dirs {
            for file in DockerFilesTests.allFiles(under: dir)
            where [".swift", ".py", ".sh", ".h", ".md"].contains(where: file.hasSuffix) {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                // Not a \u{A0} escape: only a word of its own.
                for m in try matches(#"(?<![{\w])([RDAOMBI][0-9]+)[a-z]?\b"#, in: text) { used[m[1]] = file }
            }
        }
        return used
    }

    @Test("docs/contract.md defines every ExitCode constant, with its value, once")
    func exitCodes() throws {
        let constants = try Self.matches(#"static let (\w+): Int32 = (\d+)"#, in: Self.read("Sources/HermesCore/Basics/ExitCode.swift"))
        #expect(constants.count >= 6)
        #expect(Set(constants.map { $0[2] }).count == constants.count, "one meaning each: no value twice")
        let contract = try Self.read("docs/contract.md")
        for c in constants {
            let rows = try Self.matches(#"^\| \#(c[2]) \| `(\w+)` \|"#, in: contract)
            #expect(rows.map { $0[1] } == [c[1]], "docs/contract.md: one row `| \(c[2]) | `\(c[1])` |`")
        }
    }

    @Test("every rule id a test, a source or a doc names is defined in docs/contract.md")
    func ruleIds() throws {
        let defined = try Self.definedRules()
        #expect(defined.count >= 30, "\(defined.sorted())")
        let used = try Self.usedRules(under: ["Tests", "Sources", "Fuzz", "docs"])
        #expect(used.count >= 15, "\(used.keys.sorted())")
        for (id, file) in used.sorted(by: { $0.key < $1.key }) {
            #expect(defined.contains(id), "\(id), named in \(file), is not defined in docs/contract.md")
        }
        // The check can fail: an id the contract does not define is caught.
        // (Built here, so that this file does not name them itself.)
        #expect(!defined.contains("R" + "13") && !defined.contains("D" + "99"))
    }

    @Test("--help, README and docs/hermes-init.md point to docs/contract.md and restate no exit-code table")
    func contractLinked() throws {
        for (name, option) in [("privdrop", "--help"), ("hermes-init", "--hermes-init-help")] {
            let help = try run([binDir + "/" + name, option]).out
            #expect(help.contains("docs/contract.md"), "\(name) --help")
            #expect(!help.contains("EXIT CODES"), "\(name) --help restates the exit codes")
        }
        for doc in ["README.md", "docs/hermes-init.md", "docs/privdrop.md"] {
            let text = try Self.read(doc)
            #expect(text.contains("docs/contract.md"), "\(doc)")
            #expect(try Self.matches(#"^\| (111|126|127) \|"#, in: text).isEmpty, "\(doc) restates the exit-code table")
        }
    }
}
}
