import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("environment and envdir rules")
struct EnvironmentTests {
    @Test("set replaces in place and removes later duplicates; unset removes all")
    func setUnset() {
        var e = Environment(entries: [b("A=1"), b("B=2"), b("A=3"), b("AB=4")])
        #expect(e.get(b("A")) == b("1"))
        e.set(b("A"), b("x"))
        #expect(e.entries == [b("A=x"), b("B=2"), b("AB=4")])
        e.set(b("C"), b(""))
        #expect(e.entries.last == b("C="))
        e.unset(b("B"))
        e.unset(b("NOPE"))
        #expect(e.entries == [b("A=x"), b("AB=4"), b("C=")])
        #expect(e.changes == [.set(b("A"), b("x")), .set(b("C"), b("")), .unset(b("B"))])
        #expect(e.get(b("C")) == [])
        #expect(e.get(b("NOPE")) == nil)
    }

    @Test("keepOnly keeps just the named variables")
    func keepOnly() {
        var e = Environment(entries: [b("PATH=/x"), b("HOME=/root"), b("PATHX=1"), b("odd")])
        e.keepOnly([b("PATH")])
        #expect(e.entries == [b("PATH=/x")])
    }

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

    @Test("shebang parsing names the interpreter")
    func shebang() {
        #expect(Exec.parseShebang(b("#!/bin/sh\n")) == b("/bin/sh"))
        #expect(Exec.parseShebang(b("#! /usr/bin/env python3\n")) == b("/usr/bin/env"))
        #expect(Exec.parseShebang(b("#!\t/x -e")) == b("/x"))
        #expect(Exec.parseShebang(b("#!\n")) == nil)
        #expect(Exec.parseShebang(b("\u{7f}ELF")) == nil)
        #expect(Exec.parseShebang([]) == nil)
    }

    @Test("bytes helpers")
    func bytes() {
        var x = Bytes()
        x.add(decimal: UInt64(0)); x.append(0x20)
        x.add(decimal: UInt64.max); x.append(0x20)
        x.add(decimal: Int32(-42))
        #expect(x == b("0 18446744073709551615 -42"))
        #expect(b("abc").equals("abc"))
        #expect(!b("abc").equals("ab"))
    }
}
