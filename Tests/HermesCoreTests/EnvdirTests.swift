import Foundation
import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("the container environment directory (s6-envdir -Lf)")
struct EnvdirTests {
    @Test("envdir file names: no leading dot, no '='")
    func names() {
        #expect(Envdir.isVariableName(b("FOO")))
        #expect(Envdir.isVariableName([0xC3, 0xA9]))
        #expect(!Envdir.isVariableName(b(".hidden")))
        #expect(!Envdir.isVariableName(b("A=B")))
        #expect(!Envdir.isVariableName(b("")))
    }

    /// Each case was checked against s6-overlay 3.2.3.0's and 3.2.3.2's own
    /// `s6-envdir -Lf` (what `with-contenv` runs): one trailing newline goes, then NULs
    /// become newlines; nothing else is trimmed.

    @Test("envdir contents: s6-envdir -Lf (one trailing newline removed, NUL to newline, empty unsets)", arguments: [
        ("bar\n", "bar"), ("\n", ""), ("x\n\n", "x\n"), ("x", "x"), ("x \t\n", "x \t"), ("x \t", "x \t"),
        ("a\nb\n", "a\nb"), ("a\u{0}b\n", "a\nb"), ("x\r\n", "x\r"), (" \n", " "), ("a\u{0}", "a\n"),
        ("\u{0}\n", "\n"), ("a\n\u{0}", "a\n\n"), ("é\u{1}\n", "é\u{1}"),
    ])
    func contents(file: String, value: String) {
        #expect(Envdir.change(name: b("A"), contents: b(file)) == .set(b("A"), b(value)))
    }

    @Test("envdir: an empty file unsets")
    func emptyFileUnsets() {
        #expect(Envdir.change(name: b("A"), contents: []) == .unset(b("A")))
    }

    @Test("envdir: a directory whose records outgrow the scratch page is read whole, in name order")
    func manyEntries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-envdir-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let names = (0..<300).map { "VARIABLE_WITH_A_LONG_NAME_\($0)" }
        for n in names { try Data("v\(n)\n".utf8).write(to: dir.appendingPathComponent(n)) }
        var reader = FileReader(execFollows: false)
        let changes = try Envdir.load(b(dir.path), reader: &reader) ?? []
        #expect(changes == names.sorted().map { .set(b($0), b("v" + $0)) })
    }
}
