import Testing
@testable import HermesCore

@Suite("wait statuses")
struct WaitStatusTests {
    @Test("exit codes pass through; death by signal N is 128+N, as shells report it")
    func decode() {
        #expect(WaitStatus(0) == .exited(0))
        #expect(WaitStatus(42 << 8) == .exited(42))
        #expect(WaitStatus(255 << 8).exitCode == 255)
        #expect(WaitStatus(15) == .signaled(15))
        #expect(WaitStatus(15).exitCode == 143)
        #expect(WaitStatus(9 | 0x80).exitCode == 137, "a core dump changes nothing")
        #expect(WaitStatus(0x7F | (19 << 8)) == .other(0x7F | (19 << 8)), "stopped is neither")
        #expect(WaitStatus(0x7F | (19 << 8)).exitCode == 128)
    }
}
