import Foundation
import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("exec helpers")
struct ExecTests {
    @Test("shebang parsing names the interpreter")
    func shebang() {
        #expect(Exec.parseShebang(b("#!/bin/sh\n")) == b("/bin/sh"))
        #expect(Exec.parseShebang(b("#! /usr/bin/env python3\n")) == b("/usr/bin/env"))
        #expect(Exec.parseShebang(b("#!\t/x -e")) == b("/x"))
        #expect(Exec.parseShebang(b("#!\n")) == nil)
        #expect(Exec.parseShebang(b("\u{7f}ELF")) == nil)
        #expect(Exec.parseShebang([]) == nil)
    }
}
