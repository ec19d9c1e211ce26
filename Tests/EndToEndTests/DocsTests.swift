import Foundation
import Testing

/// The references stay true to the programs: every option and variable a `--help`
/// names is documented in that program's reference.
extension EndToEnd {
@Suite("documentation")
struct DocsTests {
    func words(_ text: String, _ pattern: String) throws -> Set<String> {
        let re = try NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return Set(re.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } })
    }

    @Test("every option in privdrop --help is in docs/privdrop.md")
    func privdropOptions() throws {
        let help = try run([privdrop, "--help"]).out
        let doc = try String(contentsOfFile: repoDir + "/docs/privdrop.md", encoding: .utf8)
        let options = try words(help, "--[a-z][a-z-]*")
        #expect(options.count >= 6, "\(options)")
        for o in options.sorted() { #expect(doc.contains(o), "docs/privdrop.md lacks \(o)") }
    }

    @Test("every option and variable in hermes-init --hermes-init-help is in docs/hermes-init.md")
    func hermesInitOptions() throws {
        let help = try run([hermesInit, "--hermes-init-help"]).out
        let doc = try String(contentsOfFile: repoDir + "/docs/hermes-init.md", encoding: .utf8)
        let names = try words(help, "--hermes-init-[a-z-]+|HERMES_[A-Z_]+")
        #expect(names.count >= 10, "\(names)")
        for n in names.sorted() { #expect(doc.contains(n), "docs/hermes-init.md lacks \(n)") }
    }
}
}
