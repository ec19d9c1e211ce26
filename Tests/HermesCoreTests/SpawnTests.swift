import Foundation
import Testing
@testable import HermesCore

/// The suites that fork from this (multi-threaded) test process, one at a time: a
/// child forked while another test still holds a script it just wrote open for writing
/// keeps that descriptor until its exec, and exec'ing the script then fails with
/// ETXTBSY. (The programs are single-threaded; this is the test process's own race.)
@Suite(.serialized) struct ForkingTests {}

extension ForkingTests {
@Suite("Spawn: fork, a child that reports why it could not exec, wait")
struct SpawnTests {
    let trueArgv: [String] = ["/bin/true"]

    func spawn(_ path: String, _ args: [String]) throws -> Spawn.Started {
        let argv = CStringArray(([path] + args).map { Array($0.utf8) })
        let envp = CStringArray([])
        return try Spawn.start(failureExit: 126) {
            Sys.execve(argv.pointer[0]!, argv.pointer, envp.pointer)
            return ChildReport(phase: 2, code: 0, errno: Errno.current.rawValue)
        }
    }

    @Test("a child that execs reports nothing; its status is the program's")
    func execs() throws {
        let s = try spawn("/bin/sh", ["-c", "exit 7"])
        #expect(s.failure == nil)
        #expect(try Sys.wait(s.pid) == .exited(7))
    }

    @Test("a child that cannot exec reports the errno, and has been reaped")
    func reports() throws {
        let s = try spawn("/nonexistent/prog", [])
        #expect(s.failure?.errno == Errno.noEntry.rawValue)
        #expect(s.failure?.phase == 2)
        #expect(throws: Errno.self) { try Sys.wait(s.pid) }  // ECHILD: already reaped
    }

    @Test("the parent's hook runs with the child's pid before the report is read")
    func parentHook() throws {
        var seen: Int32 = 0
        let argv = CStringArray([Array("/bin/true".utf8)])
        let envp = CStringArray([])
        let s = try Spawn.start(failureExit: 126, parent: { seen = $0 }) {
            Sys.execve(argv.pointer[0]!, argv.pointer, envp.pointer)
            return ChildReport(phase: 2, code: 0, errno: Errno.current.rawValue)
        }
        #expect(seen == s.pid && seen > 0)
        _ = try Sys.wait(s.pid)
    }
}
}
