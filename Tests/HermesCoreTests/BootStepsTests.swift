import Foundation
import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

extension ForkingTests {
@Suite("boot steps under another init")
struct BootStepsTests {
    func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bootsteps-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func script(_ dir: String, _ name: String, _ body: String, mode: Int = 0o755) throws {
        try body.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: dir + "/" + name)
    }

    @Test("the environment is written as s6-overlay writes it: one file a variable, value and newline")
    func dump() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = Environment(entries: [b("A=1"), b("EMPTY="), b("=x"), b(".hidden=1"), b("a/b=1"), b("NOEQUALS")])
        try BootSteps.dump(env, into: b(dir + "/env"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/env").sorted()
        #expect(names == ["A", "EMPTY"])
        #expect(try String(contentsOfFile: dir + "/env/A", encoding: .utf8) == "1\n")
        #expect(try String(contentsOfFile: dir + "/env/EMPTY", encoding: .utf8) == "\n")
    }

    @Test("steps run in name order with the environment given, dot files skipped; a missing directory is no steps")
    func order() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/log"
        try FileManager.default.createDirectory(atPath: dir + "/steps", withIntermediateDirectories: true)
        try script(dir + "/steps", "20-b", "#!/bin/sh\necho \"b $X\" >> \(log)\n")
        try script(dir + "/steps", "10-a", "#!/bin/sh\necho \"a $X\" >> \(log)\n")
        try script(dir + "/steps", ".skip", "#!/bin/sh\necho skip >> \(log)\n")
        try BootSteps.runSteps(Environment(entries: [b("X=1")]), in: b(dir + "/steps"))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "a 1\nb 1\n")
        try BootSteps.runSteps(Environment(entries: []), in: b(dir + "/none"))
    }

    @Test("a failing step stops the start with its code; one that cannot be executed says why (126, 127)",
          arguments: [
            ("#!/bin/sh\nexit 7\n", 0o755, Int32(7), "it exited with 7"),
            ("#!/bin/sh\nkill -KILL $$\n", 0o755, Int32(137), "it exited with 137"),
            ("#!/bin/sh\nexit 0\n", 0o644, Int32(126), "Permission denied"),
            ("#!/nonexistent/interpreter\n", 0o755, Int32(127), "interpreter /nonexistent/interpreter named in its #! line not found"),
          ])
    func failures(body: String, mode: Int, code: Int32, reason: String) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try script(dir, "10-step", body, mode: mode)
        try script(dir, "20-after", "#!/bin/sh\ntouch \(dir)/ran-after\n")
        do {
            try BootSteps.runSteps(Environment(entries: []), in: b(dir))
            Issue.record("no failure")
        } catch {
            #expect(error.exitCode == code)
            #expect(String(decoding: error.message, as: UTF8.self) == "unable to run boot step \(dir)/10-step: \(reason)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/ran-after"), "nothing runs after a failed step")
    }
}
}
