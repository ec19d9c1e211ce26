import CHermes
import Testing
@testable import HermesCore

@Suite("descendants from /proc/PID/stat")
struct DescendantsTests {
    func b(_ s: String) -> Bytes { Bytes(s.utf8) }

    @Test("the ppid is the second field after the last ')'")
    func parentPID() {
        #expect(Descendants.parentPID(b("12 (sh) S 1 12 12 0 -1 4194560")) == 1)
        #expect(Descendants.parentPID(b("5 (a) b) S 7 1")) == 7, "a ')' in the command name")
        #expect(Descendants.parentPID(b("5 (a)  S 7")) == nil, "an empty field counts")
        #expect(Descendants.parentPID(b("5 (a) S")) == nil)
        #expect(Descendants.parentPID(b("no paren S 1")) == nil)
        #expect(Descendants.parentPID(b("5 (a) S 0007 1")) == 7)
    }

    @Test("a ppid beyond pid_t is no ppid, not a crash (found by the procstat fuzz target)")
    func parentPIDOverflow() {
        #expect(Descendants.parentPID(b("5 (a) S 2444444444 1")) == nil)
        #expect(Descendants.parentPID(b("5 (a) S 2147483647 1")) == 2_147_483_647)
        #expect(Descendants.parentPID(b("5 (a) S 2147483648 1")) == nil)
    }

    @Test("collect: every pid whose parent chain reaches the root, once, never the root")
    func collect() {
        let pids: [pid_t] = [2, 3, 4, 5, 6, 1]
        let parents: [pid_t] = [1, 2, 3, 9, 5, 0]
        #expect(Descendants.collect(root: 1, pids: pids, parents: parents).sorted() == [2, 3, 4])
        #expect(Descendants.collect(root: 5, pids: pids, parents: parents) == [6])
        #expect(Descendants.collect(root: 2, pids: [3, 2], parents: [2, 3]) == [3], "a cycle through the root")
    }
}
