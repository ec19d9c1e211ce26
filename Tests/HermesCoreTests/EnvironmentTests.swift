import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("the environment a program is exec'd with")
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
        e.keepOnly("PATH")
        #expect(e.entries == [b("PATH=/x")])
        // Recorded for the trace, one unset a variable dropped; nothing when not recording.
        #expect(e.changes == [.unset(b("HOME")), .unset(b("PATHX")), .unset(b("odd"))])
        var quiet = Environment(entries: [b("PATH=/x"), b("HOME=/root")], recording: false)
        quiet.keepOnly("PATH")
        #expect(quiet.entries == [b("PATH=/x")] && quiet.changes.isEmpty)
    }
}
