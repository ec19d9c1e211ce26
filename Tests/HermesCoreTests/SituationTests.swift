@testable import HermesCore
import Testing

private struct Fake: SituationProbe {
    var pid: Int32
    var parentPID: Int32
    var comm: String?
    var basedir = false
    var installed = false
    var looked = Looked()
    final class Looked { var proc = false }
    func pid1Name() -> Bytes? { looked.proc = true; return comm.map { Array($0.utf8) } }
    func s6Basedir() -> Bool { basedir }
    func s6OverlayInstalled() -> Bool { installed }
}

@Suite("where hermes-init runs")
struct SituationTests {
    @Test("PID 1: /init when s6-overlay is installed, else a tini-grade init")
    func pid1() {
        #expect(Situation.decide(Fake(pid: 1, parentPID: 0, comm: "hermes-init", installed: true)) == .pid1WithS6Overlay)
        #expect(Situation.decide(Fake(pid: 1, parentPID: 0, comm: "hermes-init", basedir: true, installed: false)) == .pid1)
    }

    @Test("started by an ordinary process (s6-overlay's rc.init, a shell): the CMD rules, without reading /proc")
    func command() {
        let f = Fake(pid: 40, parentPID: 16, comm: "catatonit")
        #expect(Situation.decide(f) == .command)
        #expect(!f.looked.proc)
    }

    @Test("an entry point under s6-svscan with /run/s6/basedir (docker exec into the s6 image): the CMD rules")
    func underS6() {
        #expect(Situation.decide(Fake(pid: 90, parentPID: 0, comm: "s6-svscan", basedir: true)) == .command)
    }

    @Test("an entry point under another init (--init, a pod's pause): under another init, named")
    func otherInit() {
        #expect(Situation.decide(Fake(pid: 2, parentPID: 1, comm: "catatonit", basedir: true)) == .underOtherInit(pid1Name: Array("catatonit".utf8)))
        #expect(Situation.decide(Fake(pid: 7, parentPID: 0, comm: "pause")) == .underOtherInit(pid1Name: Array("pause".utf8)))
        // A leftover /run/s6/basedir does not make another init s6.
        #expect(Situation.decide(Fake(pid: 2, parentPID: 1, comm: "docker-init", basedir: true)) == .underOtherInit(pid1Name: Array("docker-init".utf8)))
        // s6-svscan without /run/s6/basedir is not s6-overlay's.
        #expect(Situation.decide(Fake(pid: 2, parentPID: 1, comm: "s6-svscan", basedir: false)) == .underOtherInit(pid1Name: Array("s6-svscan".utf8)))
    }

    @Test("without /proc, /run/s6/basedir alone decides")
    func noProc() {
        #expect(Situation.decide(Fake(pid: 2, parentPID: 1, comm: nil, basedir: true)) == .command)
        #expect(Situation.decide(Fake(pid: 2, parentPID: 1, comm: nil, basedir: false)) == .underOtherInit(pid1Name: []))
    }
}
