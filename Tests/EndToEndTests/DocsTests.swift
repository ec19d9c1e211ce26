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
}
}
