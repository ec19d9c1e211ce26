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

    @Test("small files through the scratch page: every size around its 4 KiB, and past it")
    func smallFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-small-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for size in [0, 1, 4095, 4096, 4097, 100_000] {
            let data = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let f = dir.appendingPathComponent("f\(size)")
            try data.write(to: f)
            #expect(try Sys.readSmallFile(f.path) == Array(data), "size \(size)")
        }
    }
}
