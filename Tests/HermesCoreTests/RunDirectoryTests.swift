import Foundation
import Testing
@testable import HermesCore

@Suite("/run, as s6-overlay's /init needs it")
struct RunDirectoryTests {
    func message(_ f: Failure?) -> String? { f.map { String(decoding: $0.message, as: UTF8.self) } }

    @Test("a writable, exec-able /run (or none at all) passes")
    func passes() {
        #expect(RunDirectory.problem(Sys.MountFlags(readOnly: false, noExec: false), s6FixesIt: false) == nil)
        #expect(RunDirectory.problem(nil, s6FixesIt: false) == nil)
    }

    @Test("M3: read-only or noexec: exit 78 (setup), the cause and the flag that fixes it")
    func fails() throws {
        let ro = try #require(RunDirectory.problem(Sys.MountFlags(readOnly: true, noExec: true), s6FixesIt: false))
        #expect(ro.exitCode == 78)
        #expect(message(ro)!.hasPrefix("unable to boot s6-overlay: /run is on a read-only file system"))
        let noexec = try #require(RunDirectory.problem(Sys.MountFlags(readOnly: false, noExec: true), s6FixesIt: false))
        #expect(noexec.exitCode == 78)
        #expect(message(noexec)!.hasPrefix("unable to boot s6-overlay: /run is mounted noexec"))
        #expect(message(noexec)!.contains("--tmpfs /run:exec"))
    }

    @Test("S6_READ_ONLY_ROOT with CAP_SYS_ADMIN: s6-overlay mounts /run itself, the check stands aside")
    func s6Fixes() {
        #expect(RunDirectory.problem(Sys.MountFlags(readOnly: true, noExec: true), s6FixesIt: true) == nil)
    }

    /// What s6-overlay's preinit itself decides: its line `if test "0$S6_READ_ONLY_ROOT"
    /// -ne 0` run by the image's /bin/sh (dash), with the value in the environment.
    static func preinitSays(_ value: String) throws -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/dash")
        p.arguments = ["-c", "test \"0$S6_READ_ONLY_ROOT\" -ne 0"]
        p.environment = ["S6_READ_ONLY_ROOT": value]
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    @Test("S6_READ_ONLY_ROOT is read as preinit reads it: dash's test -ne, case by case", arguments: [
        "1", "01", "0", "00", "", "yes", "1x", "1 ", "1\t", "1\n", "1\u{0B}", "1\r", "1\u{0C}", " 1", "+1", "-1",
        "1 2", "0 ", "9223372036854775807", "09223372036854775807", "9223372036854775808",
        "99999999999999999999", "63729823623055775808", "18446744073709551617", "0000000000000000000000000000001", "1\u{A0}", "\u{0B}",
    ])
    func readOnlyRoot(value: String) throws {
        #expect(RunDirectory.readOnlyRootRequested(Array(value.utf8)) == (try Self.preinitSays(value)), "\(value.debugDescription)")
        #expect(RunDirectory.readOnlyRootRequested(nil) == false)
    }
}
