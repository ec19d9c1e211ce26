import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("privdrop --explain")
struct ExplainTests {
    @Test("key=value lines: the account, the drop, the program, every environment change")
    func lines() {
        let c = Credentials(uid: 5, gid: 6, groups: [6, 7], entry: nil)
        let out = Explain.lines(account: b("5:6"), plan: .drop(c), changes: [.set(b("HOME"), b("/h")), .unset(b("X"))],
                                noNewPrivs: true, program: b("prog"), resolved: b("/bin/prog"))
        #expect(String(decoding: out, as: UTF8.self) == """
        account=5:6
        mode=drop
        uid=5
        gid=6
        groups=6,7
        no_new_privs=1
        program=/bin/prog
        setenv=HOME=/h
        unsetenv=X

        """)
        let missing = Explain.lines(account: b("5:6"), plan: .drop(c), changes: [], noNewPrivs: false,
                                    program: b("nope"), resolved: nil)
        #expect(String(decoding: missing, as: UTF8.self).hasSuffix("no_new_privs=0\nprogram=nope\nprogram_error=not found\n"))
    }
}
