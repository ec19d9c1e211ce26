import Foundation
import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("the PATH search forecast (--explain, routing)")
struct ExecLocateTests {
    @Test("locate: the first executable regular file on PATH; a name with '/' as given")
    func locate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("locate-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        for d in ["a", "b", "c"] { try fm.createDirectory(atPath: dir + "/" + d, withIntermediateDirectories: true) }
        fm.createFile(atPath: dir + "/a/prog", contents: Data("x".utf8), attributes: [.posixPermissions: 0o644])
        try fm.createDirectory(atPath: dir + "/b/prog", withIntermediateDirectories: true)
        fm.createFile(atPath: dir + "/c/prog", contents: Data("x".utf8), attributes: [.posixPermissions: 0o755])
        let path = b("\(dir)/a:\(dir)/b/:\(dir)/c")
        #expect(Exec.locate(b("prog"), path: path) == b("\(dir)/c/prog"), "not executable and a directory are skipped")
        #expect(Exec.locate(b("none"), path: path) == nil)
        #expect(Exec.locate(b("\(dir)/c/prog"), path: b("")) == b("\(dir)/c/prog"))
        #expect(Exec.locate(b("\(dir)/a/prog"), path: path) == nil)
    }

    @Test("an empty PATH entry is the current directory; no PATH is the default one")
    func emptyEntries() {
        #expect(Exec.Directories(b("/a::/b:")).map { String(decoding: $0, as: UTF8.self) } == ["/a", "", "/b", ""])
        #expect(Exec.Directories(b("")).map { Array($0) } == [[]])
        #expect(Exec.locate(b("sh"), path: nil) == b("/bin/sh"))
    }
}
