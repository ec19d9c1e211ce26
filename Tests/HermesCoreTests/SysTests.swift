import Foundation
import Testing
@testable import HermesCore

@Suite("reading files")
struct SyscallTests {
    func read(_ path: String, limit: Int = 1 << 20) throws(Errno) -> Bytes {
        try Sys.readFile(path, limit: limit)
    }

    @Test("procfs files (size 0, EOF past the first read) are read whole")
    func procfs() throws {
        for path in ["/proc/sys/kernel/ngroups_max", "/proc/self/status", "/proc/self/maps"] {
            let ours = try read(path)
            #expect(!ours.isEmpty, "\(path)")
            if path.hasSuffix("ngroups_max") {
                #expect(ours == Array(try Data(contentsOf: URL(fileURLWithPath: path))), "\(path)")
            }
        }
    }

    @Test("regular files of every small size, and one that grows past the size fstat gave")
    func regular() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-read-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for size in [0, 1, 2, 4095, 4096, 4097, 100_000] {
            let data = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let f = dir.appendingPathComponent("f\(size)")
            try data.write(to: f)
            #expect(try read(f.path) == Array(data), "size \(size)")
        }
        #expect(throws: Errno(EFBIG)) { try read(dir.appendingPathComponent("f100000").path, limit: 1000) }
        #expect(throws: Errno.noEntry) { try read(dir.appendingPathComponent("nope").path) }
    }
}

@Suite("the CapEff line of /proc/PID/status")
struct CapEffTests {
    @Test("this process's own, as the kernel wrote it, and as capsh-style readers see it")
    func own() throws {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("CapEff:\t") })
        let want = UInt64(line.dropFirst("CapEff:\t".count), radix: 16)
        #expect(Sys.effectiveCapabilities() == want)
        #expect(Sys.effectiveCapabilities(status: Array(text.utf8)) == want)
    }

    @Test("the kernel's form only: 1-16 lower-case hex digits at a line's start, then a newline or the end",
          arguments: [
        ("CapEff:\t000001ffffffffff\n", UInt64(0x1ff_ffff_ffff)), ("Name:\tx\nCapEff:\t00000000a80425fb", 0xa80425fb),
        ("CapEff:\t0\n", 0), ("CapEff:\tffffffffffffffff\n", UInt64.max),
        ("CapEff:\t10000000000000000\n", nil), ("CapEff:\t\n", nil), ("CapEff:\t00000000A80425FB\n", nil),
        ("CapEff:\t00ff x\n", nil), ("CapEff: 00ff\n", nil), ("xCapEff:\t00ff\n", nil), ("CapInh:\t00ff\n", nil), ("", nil),
        ("CapPrm:\t1\nCapEff:\t2\nCapEff:\t3\n", 2),
    ] as [(String, UInt64?)])
    func forms(text: String, want: UInt64?) {
        #expect(Sys.effectiveCapabilities(status: Array(text.utf8)) == want, "\(text.debugDescription)")
    }
}
