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

    @Test("read-only or noexec: exit 100, the cause and the flag that fixes it")
    func fails() throws {
        let ro = try #require(RunDirectory.problem(Sys.MountFlags(readOnly: true, noExec: true), s6FixesIt: false))
        #expect(ro.exitCode == 100)
        #expect(message(ro)!.hasPrefix("unable to boot s6-overlay: /run is on a read-only file system"))
        let noexec = try #require(RunDirectory.problem(Sys.MountFlags(readOnly: false, noExec: true), s6FixesIt: false))
        #expect(noexec.exitCode == 100)
        #expect(message(noexec)!.hasPrefix("unable to boot s6-overlay: /run is mounted noexec"))
        #expect(message(noexec)!.contains("--tmpfs /run:exec"))
    }

    @Test("S6_READ_ONLY_ROOT with CAP_SYS_ADMIN: s6-overlay mounts /run itself, the check stands aside")
    func s6Fixes() {
        #expect(RunDirectory.problem(Sys.MountFlags(readOnly: true, noExec: true), s6FixesIt: true) == nil)
    }

    @Test("S6_READ_ONLY_ROOT is read as preinit reads it: digits, not all zero", arguments: [
        ("1", true), ("01", true), ("0", false), ("00", false), ("", false), ("yes", false), ("1x", false),
    ])
    func readOnlyRoot(value: String, requested: Bool) {
        #expect(RunDirectory.readOnlyRootRequested(Array(value.utf8)) == requested)
        #expect(RunDirectory.readOnlyRootRequested(nil) == false)
    }
}
