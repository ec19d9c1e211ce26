import Foundation
import Testing
@testable import HermesCore

@Suite("the scratch page's one owner")
struct FileReaderTests {
    func tempDir(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("small files through the page: every size around its 4 KiB, and past it")
    func smallFiles() throws {
        let dir = try tempDir("small")
        defer { try? FileManager.default.removeItem(at: dir) }
        var reader = FileReader(execFollows: false)
        for size in [0, 1, 4095, 4096, 4097, 100_000] {
            let data = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let f = dir.appendingPathComponent("f\(size)")
            try data.write(to: f)
            #expect(try reader.readSmallFile(f.path) == Array(data), "size \(size)")
        }
        #expect(throws: Errno.noEntry) { try reader.readSmallFile(dir.appendingPathComponent("nope").path) }
    }

    @Test("a small file, the current directory and directory records share the one page, in this build as in the shipped one")
    func onePage() throws {
        let dir = try tempDir("page")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("abc".utf8).write(to: dir.appendingPathComponent("f"))
        var reader = FileReader(execFollows: false)
        var fileAt: UnsafeRawPointer? = nil
        try reader.withSmallFile(dir.appendingPathComponent("f").path) { fileAt = UnsafeRawPointer($0.baseAddress) }
        #expect(fileAt == UnsafeRawPointer(reader.pageAddress))
        // The current directory goes through the page: the file's bytes are gone.
        let cwd = try reader.currentDirectory()
        #expect(cwd == Array(FileManager.default.currentDirectoryPath.utf8))
        #expect(reader.pageAddress.load(as: UInt8.self) == cwd[0])
        // Directory records start there too; a second reader has the same page.
        let fd = try Sys.open(dir.path, .directory)
        defer { Sys.close(fd) }
        var recordsAt: UnsafeMutableRawPointer? = nil
        try reader.withDirectoryRecords(fd, { records, _ throws(Failure) in recordsAt = records.address },
                                        failure: { Failure.system(Bytes("read"), $0) })
        #expect(recordsAt == reader.pageAddress)
        let other = FileReader(execFollows: false)
        #expect(other.pageAddress == reader.pageAddress)
    }

    @Test("before an exec, descriptors are left to it (64 at most); otherwise each is closed")
    func descriptors() throws {
        func open() throws -> Int32 { try Sys.open("/dev/null", .readOnly) }
        func isOpen(_ fd: Int32) -> Bool { fcntl(fd, F_GETFD) != -1 }
        var closing = FileReader(execFollows: false)
        let a = try open()
        closing.descriptors.done(a)
        #expect(!isOpen(a))
        var leaving = FileReader(execFollows: true)
        var left = [Int32]()
        for _ in 0..<65 {
            let fd = try open()
            leaving.descriptors.done(fd)
            left.append(fd)
        }
        #expect(left.prefix(64).allSatisfy(isOpen))
        #expect(!isOpen(left[64]))
        for fd in left.prefix(64) { Sys.close(fd) }
    }
}
